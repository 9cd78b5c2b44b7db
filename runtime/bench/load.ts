import http from 'node:http';
/**
 * Runs `clients` concurrent loops of `op` for `seconds`, returning operations per second.
 * Any failed operation aborts the measurement: a benchmark of errors measures nothing.
 *
 * @example
 * ```ts
 * const perSecond = await measure(8, 5, async (client, i) => { await fetch(url); });
 * ```
 */
export async function measure(clients: number, seconds: number, op: (client: number, i: number) => Promise<void>): Promise<{ perSecond: number; count: number }> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let i = 0;
      while (performance.now() < deadline) {
        await op(client, i++);
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: count / elapsed, count };
}

/**
 * A lean HTTP/1.1 client for load generation: node:http over a keep-alive agent (one socket per
 * concurrent client), about a third of `fetch`'s CPU per request, so the load generator takes
 * less of the machine it shares with the server and the database. Resolves with the status and
 * the body text.
 *
 * @example
 * ```ts
 * const post = httpClient(server.url);
 * const { status, text } = await post('POST', '/api/deals/1/transitions', { authorization }, JSON.stringify({ to: 'b' }));
 * ```
 */
export function httpClient(base: string): (method: string, path: string, headers: Record<string, string>, body?: string) => Promise<{ status: number; text: string }> {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return (method, path, headers, body) =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path, method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
}
