import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrivateAllowList } from './destination';
import { WebhookError, deliverWebhook, type WebhookDelivery } from './webhook';

describe('deliverWebhook', () => {
  let server: Server;
  let port: number;
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/hang') return;
        received.push({ url: req.url ?? '', headers: req.headers, body });
        if (req.url === '/moved') {
          res.writeHead(302, { location: '/ok' });
          return res.end();
        }
        res.statusCode = req.url?.startsWith('/ok') ? 204 : 500;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const deliver = (url: string, more: Partial<WebhookDelivery> = {}) => deliverWebhook({ url, secret: 'whsec', id: 'k1', payload: { a: 1 }, timeoutMs: 2000, now: () => new Date(1_700_000_000_000), ...more });
  const failure = async (p: Promise<unknown>): Promise<WebhookError> => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WebhookError);
    return err as WebhookError;
  };

  it('delivers a signed POST to an allowed receiver', async () => {
    const before = received.length;
    expect(await deliver(`http://127.0.0.1:${port}/ok`, { allowPrivate: parsePrivateAllowList('127.0.0.1') })).toEqual({ status: 204 });
    const got = received.slice(before);
    expect(got).toHaveLength(1);
    const d = got[0] as (typeof received)[number];
    expect(d.body).toBe('{"a":1}');
    expect(d.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'k1', 'webhook-timestamp': '1700000000', host: `127.0.0.1:${port}` });
    expect(d.headers['webhook-signature']).toBe(`v1,${createHmac('sha256', 'whsec').update('k1.1700000000.{"a":1}').digest('base64')}`);
  });

  it.each([
    ['loopback', 'http://127.0.0.1:PORT/ok', /127\.0\.0\.1 \(loopback\)/],
    ['loopback in IPv4-mapped form', 'http://[::ffff:127.0.0.1]:PORT/ok', /::ffff:7f00:1 \(loopback\)/],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 \(linkLocal\)/],
    ['a private address', 'https://10.0.0.8/hook', /10\.0\.0\.8 \(private\)/],
    ['CGNAT', 'http://100.64.1.1/hook', /\(carrierGradeNat\)/],
    ['the unspecified address', 'http://0.0.0.0:PORT/ok', /\(unspecified\)/],
    ['IPv6 loopback', 'http://[::1]:PORT/ok', /::1 \(loopback\)/],
    ['IPv6 unique local', 'http://[fd00::1]/hook', /\(uniqueLocal\)/],
    ['a decimal-encoded loopback', 'http://2130706433:PORT/ok', /127\.0\.0\.1 \(loopback\)/],
    ['a host name resolving to loopback', 'http://localhost:PORT/ok', /\(loopback\)/],
  ])('refuses %s by default as a permanent failure, without sending anything', async (_, raw, why) => {
    const before = received.length;
    const err = await failure(deliver(raw.replace('PORT', String(port))));
    expect(err.permanent).toBe(true);
    expect(err.message).toMatch(why);
    expect(err.message).toMatch(/PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE/);
    expect(received.length).toBe(before);
  });

  it('refuses a private address outside the allowlist', async () => {
    const err = await failure(deliver(`http://127.0.0.1:${port}/ok`, { allowPrivate: parsePrivateAllowList('10.0.0.0/8,hooks.internal') }));
    expect(err.permanent).toBe(true);
  });

  it('reaches a host name the allowlist names, keeping the Host header', async () => {
    const before = received.length;
    expect(await deliver(`http://localhost:${port}/ok`, { allowPrivate: parsePrivateAllowList('localhost') })).toEqual({ status: 204 });
    expect(received.slice(before).map((r) => r.headers.host)).toEqual([`localhost:${port}`]);
  });

  it('refuses URLs that are not http(s) or not URLs, permanently', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'not a url', 'gopher://127.0.0.1:70/']) {
      const err = await failure(deliver(url, { allowPrivate: parsePrivateAllowList('*') }));
      expect(err.permanent, url).toBe(true);
    }
  });

  it('reports an error answer, a redirect (not followed) and a timeout as retryable, without the query string', async () => {
    const allowPrivate = parsePrivateAllowList('127.0.0.1');
    const before = received.length;
    const e500 = await failure(deliver(`http://127.0.0.1:${port}/fail?token=s3cret`, { allowPrivate }));
    expect(e500).toMatchObject({ permanent: false, message: `POST http://127.0.0.1:${port}/fail answered HTTP 500` });
    const moved = await failure(deliver(`http://127.0.0.1:${port}/moved`, { allowPrivate }));
    expect(moved).toMatchObject({ permanent: false, message: expect.stringContaining('HTTP 302') });
    expect(received.slice(before).map((r) => r.url)).toEqual(['/fail?token=s3cret', '/moved']);
    const slow = await failure(deliver(`http://127.0.0.1:${port}/hang`, { allowPrivate, timeoutMs: 200 }));
    expect(slow).toMatchObject({ permanent: false, message: expect.stringContaining('no answer within 200 ms') });
  });

  it('reports a refused connection as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await failure(deliver(`http://127.0.0.1:${free}/ok`, { allowPrivate: parsePrivateAllowList('127.0.0.0/8') }));
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });
});
