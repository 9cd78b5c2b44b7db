import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, emailOf, startServer, TEST_PASSWORD, type TestServer } from '../../test/harness';
import { RateLimiter } from './rate-limit';

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

  it('limits failed sign-ins per account: after three, the right password from the same address waits too', async () => {
    await awayFromWindowEdge(900);
    const login = (password: string) => server.anonymous('/api/auth/login', { method: 'POST', json: { email: emailOf('presales'), password } });
    expect((await login(TEST_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login(`wrong password ${i}`)).status).toBe(401);
    const blocked = await login(TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(server.logs.some((l) => l.includes('sign-in rate limit reached'))).toBe(true);
    // Another account is not locked out by it (more in runtime/test/sign-in-limits.test.ts).
    expect((await server.anonymous('/api/auth/login', { method: 'POST', json: { email: emailOf('marketing'), password: TEST_PASSWORD } })).status).toBe(200);
  });
});

describe.each(backends())('the limiter shared by processes on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(() => server?.close());

  const stored = async (key: string) => (await server.platform.database.db.selectFrom('rate_limits').select(['hits', 'window_start']).where('key', '=', key).executeTakeFirst())?.hits;

  it('batches a key\'s hits per process, decides exactly within the process, and shares counts once written', async () => {
    let nowMs = Date.UTC(2026, 10, 28, 12, 0, 5);
    const clock = () => new Date(nowMs);
    const a = new RateLimiter(server.platform.database.db, clock, 1000);
    const b = new RateLimiter(server.platform.database.db, clock, 1000);
    const allowed = async (l: RateLimiter, n: number) => {
      const out: boolean[] = [];
      for (let i = 0; i < n; i++) out.push((await l.hit('api:shared', 15, 60)).allowed);
      return out;
    };
    expect(await allowed(a, 10)).toEqual(Array(10).fill(true));
    // Process A wrote its first hit and holds nine.
    expect(await stored('api:shared')).toBe(1);
    await a.flush();
    expect(await stored('api:shared')).toBe(10);
    // Process B learns the shared count with its first hit and decides the rest itself.
    const d = await b.hit('api:shared', 15, 60);
    expect(d).toMatchObject({ allowed: true, remaining: 4 });
    expect(await allowed(b, 5)).toEqual([true, true, true, true, false]);
    nowMs += 1000;
    // A's next hit is a write (its last one is a second old): it sees B's written hit.
    expect(await a.hit('api:shared', 15, 60)).toMatchObject({ allowed: true, remaining: 3 });
    // Everything counted is written on close: 10 + 1 + 6 (one refused) from both.
    await b.close();
    expect(await stored('api:shared')).toBe(17);
    await a.close();
  });

  it('writes every hit of an exact key, and starts a new window without moving an old one back', async () => {
    let nowMs = Date.UTC(2026, 10, 28, 12, 0, 5);
    const clock = () => new Date(nowMs);
    const a = new RateLimiter(server.platform.database.db, clock, 1000);
    const b = new RateLimiter(server.platform.database.db, clock, 1000);
    for (let i = 0; i < 3; i++) await a.hit('login:account:x', 10, 900, 'exact');
    expect(await stored('login:account:x')).toBe(3);
    await a.hit('api:windows', 100, 60);
    await a.hit('api:windows', 100, 60);
    nowMs += 60_000;
    // B starts the next window; A's late hit of the old window must not reset it.
    expect(await b.hit('api:windows', 100, 60)).toMatchObject({ remaining: 99 });
    await a.flush();
    const row = await server.platform.database.db.selectFrom('rate_limits').select(['hits', 'window_start']).where('key', '=', 'api:windows').executeTakeFirstOrThrow();
    expect(row.hits).toBe(1);
    expect(new Date(row.window_start).getTime()).toBe(Date.UTC(2026, 10, 28, 12, 1, 0));
    await a.close();
    await b.close();
  });

  it('with syncMs 0 writes every hit', async () => {
    const a = new RateLimiter(server.platform.database.db, () => new Date(), 0);
    for (let i = 0; i < 4; i++) await a.hit('api:every', 10, 60);
    expect(await stored('api:every')).toBe(4);
  });
});
