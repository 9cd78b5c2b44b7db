import { createHmac } from 'node:crypto';

/**
 * Signs a webhook body the Standard Webhooks way: base64 HMAC-SHA256 of `id.timestamp.body`.
 *
 * @example
 * ```ts
 * signWebhook('secret', 'msg_1', 1700000000, '{}'); // 'v1,K5oZ...'
 * ```
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * A delivery that did not succeed; `permanent` ones are not retried.
 *
 * @example
 * ```ts
 * throw new WebhookError('POST https://x answered HTTP 500');
 * ```
 */
export class WebhookError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}

/**
 * POSTs one signed webhook delivery (headers `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`). Any answer but 2xx, a network error or a timeout throws, so the job
 * queue retries with backoff; receivers deduplicate by `webhook-id`.
 *
 * @example
 * ```ts
 * await deliverWebhook({ url, secret, id: key, payload, timeoutMs: 10_000 });
 * ```
 */
export async function deliverWebhook(o: { url: string; secret: string; id: string; payload: unknown; timeoutMs: number; now?: () => Date }): Promise<{ status: number }> {
  const body = JSON.stringify(o.payload);
  const timestamp = Math.floor((o.now?.() ?? new Date()).getTime() / 1000);
  let res: Response;
  try {
    res = await fetch(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Pipewright-Webhooks/1', 'webhook-id': o.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(o.secret, o.id, timestamp, body) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (err) {
    throw new WebhookError(`POST ${o.url} failed: ${(err as Error).message}`);
  }
  await res.body?.cancel();
  if (res.status < 200 || res.status >= 300) throw new WebhookError(`POST ${o.url} answered HTTP ${res.status}`);
  return { status: res.status };
}
