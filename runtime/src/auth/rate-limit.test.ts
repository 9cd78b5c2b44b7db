import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, emailOf, startServer, TEST_PASSWORD, type TestServer } from '../../test/harness';

/** Fixed windows reset on the minute (and quarter hour): start a burst well inside one. */
async function awayFromWindowEdge(windowSeconds: number): Promise<void> {
  const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000));
  if (left < 5000) await new Promise((r) => setTimeout(r, left + 100));
}

describe.each(backends())('rate limits on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_RATE_LIMIT: '5', PIPEWRIGHT_LOGIN_RATE_LIMIT: '3' });
    await server.seedOrg();
  });
  afterAll(() => server?.close());

  it('answers 429 with Retry-After once a user or token exceeds its limit, per user and per token', async () => {
    await awayFromWindowEdge(60);
    const rep = server.as('rep');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await rep.api('/api/records/pipeline.deal')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const before = await countRows(server.platform);
    const limited = await rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'over the limit' } } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(await countRows(server.platform)).toEqual(before);
    // Another user, and a token of the same user, have their own budgets.
    expect((await server.as('colleague').api('/api/records/pipeline.deal')).status).toBe(200);
    expect((await server.as('rep', 'token', ['read']).api('/api/records/pipeline.deal')).status).toBe(200);
  });

  it('limits sign-in attempts per account, even with the right password afterwards', async () => {
    await awayFromWindowEdge(900);
    const login = (password: string) => server.anonymous('/api/auth/login', { method: 'POST', json: { email: emailOf('presales'), password } });
    expect((await login('wrong password 1')).status).toBe(401);
    expect((await login('wrong password 2')).status).toBe(401);
    expect((await login(TEST_PASSWORD)).status).toBe(200);
    const blocked = await login(TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(server.logs.some((l) => l.includes('sign-in rate limit reached'))).toBe(true);
    // Another account is not locked out by it.
    expect((await server.anonymous('/api/auth/login', { method: 'POST', json: { email: emailOf('marketing'), password: TEST_PASSWORD } })).status).toBe(200);
  });
});
