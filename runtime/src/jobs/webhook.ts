import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { NO_PRIVATE, RefusedDestinationError, guardedLookup, refusal, type PrivateAllowList } from './destination';

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

/** One webhook delivery. */
export interface WebhookDelivery {
  url: string;
  secret: string;
  /** The `webhook-id` (the action's idempotency key): receivers deduplicate by it. */
  id: string;
  payload: unknown;
  timeoutMs: number;
  now?: () => Date;
  /** Non-public destinations this delivery may reach (default: none). */
  allowPrivate?: PrivateAllowList;
}

/**
 * POSTs one signed webhook delivery (headers `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`). Any answer but 2xx (redirects are not followed), a network error or a
 * timeout throws a {@link WebhookError}, so the job queue retries with backoff; receivers
 * deduplicate by `webhook-id`.
 *
 * Server-side request forgery guard: only http(s) URLs whose host resolves exclusively to
 * public addresses are called (see `classifyAddress`); loopback, private, link-local (cloud
 * metadata), CGNAT, unique-local, multicast, unspecified and reserved addresses, also in
 * IPv4-mapped form, are refused as a permanent failure unless `allowPrivate` allows them. The
 * host is resolved once and the socket connects to the very addresses that were checked (no DNS
 * rebinding); Host and TLS SNI stay the URL's host name. Process definitions are not checked
 * for this when saved: the answer depends on DNS at delivery time, so delivery is where it holds.
 *
 * @example
 * ```ts
 * await deliverWebhook({ url, secret, id: key, payload, timeoutMs: 10_000 });
 * ```
 */
export async function deliverWebhook(o: WebhookDelivery): Promise<{ status: number }> {
  const allow = o.allowPrivate ?? NO_PRIVATE;
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new WebhookError(`The webhook URL "${o.url}" is not a URL`, true);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookError(`The webhook URL ${url.origin}${url.pathname} is not http(s)`, true);
  const target = `${url.origin}${url.pathname}`;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host)) {
    const why = refusal(host, host, allow);
    if (why) throw new WebhookError(new RefusedDestinationError(target, host, why).message, true);
  }
  const body = JSON.stringify(o.payload);
  const timestamp = Math.floor((o.now?.() ?? new Date()).getTime() / 1000);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Pipewright-Webhooks/1', 'webhook-id': o.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(o.secret, o.id, timestamp, body) };
  let status: number;
  try {
    status = await new Promise<number>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers, agent: false, lookup: guardedLookup(target, allow), signal: AbortSignal.timeout(o.timeoutMs) }, (res) => {
        res.resume();
        res.on('error', () => {});
        resolve(res.statusCode ?? 0);
        res.destroy();
      });
      req.on('error', reject);
      req.end(body);
    });
  } catch (err) {
    if (err instanceof RefusedDestinationError) throw new WebhookError(err.message, true);
    const e = err as Error;
    throw new WebhookError(`POST ${target} failed: ${e.name === 'AbortError' ? `no answer within ${o.timeoutMs} ms` : e.message}`);
  }
  if (status < 200 || status >= 300) throw new WebhookError(`POST ${target} answered HTTP ${status}`);
  return { status };
}
