import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword } from '../src/auth/password';
import { unlock } from '../src/cli/unlock-command';
import { backends, emailOf, startServer, TEST_ORG, TEST_PASSWORD, type TestServer, type TestUser } from './harness';

/**
 * Sign-in limits (issue 11, items 9 and 15) over real HTTP. Clients connect from different
 * loopback addresses (127.0.0.2, .3, ...: every 127/8 address is this machine on Linux), so the
 * server sees each as its own client address, as it would see different machines.
 */
const LIMIT = 3;

interface Answer {
  status: number;
  retryAfter: number | null;
}

function signIn(server: TestServer, from: string, email: string, password: string): Promise<Answer> {
  const url = new URL('/api/auth/login', server.url);
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] === undefined ? null : Number(res.headers['retry-after']) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Fixed windows reset on the quarter hour: start well inside one. */
async function awayFromWindowEdge(): Promise<void> {
  const left = 900_000 - (Date.now() % 900_000);
  if (left < 60_000) await new Promise((r) => setTimeout(r, left + 100));
}

describe.each(backends())('sign-in limits on $name', (backend) => {
  let server: TestServer;
  const statuses = async (n: number, run: () => Promise<Answer>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await run()).status);
    return out;
  };
  const as = (user: TestUser, from: string, password = TEST_PASSWORD) => signIn(server, from, emailOf(user), password);

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_LOGIN_RATE_LIMIT: String(LIMIT) });
    await server.seedOrg();
  });
  afterAll(() => server?.close());

  it('never counts successful sign-ins (ten in a row are all let in)', async () => {
    await awayFromWindowEdge();
    expect(await statuses(10, () => as('admin', '127.0.0.2'))).toEqual(Array(10).fill(200));
  });

  it("resets the account's failures on a success", async () => {
    await awayFromWindowEdge();
    const wrong = () => as('manager', '127.0.0.2', 'not the password at all');
    expect(await statuses(LIMIT - 1, wrong)).toEqual(Array(LIMIT - 1).fill(401));
    expect((await as('manager', '127.0.0.2')).status).toBe(200);
    // Without the reset these would be failures LIMIT .. 2*LIMIT-2 and the last ones refused.
    expect(await statuses(LIMIT - 1, wrong)).toEqual(Array(LIMIT - 1).fill(401));
    expect((await as('manager', '127.0.0.2')).status).toBe(200);
  });

  it('does not let failures from one address lock the right password out of a known address', async () => {
    await awayFromWindowEdge();
    expect((await as('colleague', '127.0.0.2')).status).toBe(200); // 127.0.0.2 is now a known address of the account
    const attacker = () => as('colleague', '127.0.0.3', 'guessing the password');
    expect(await statuses(LIMIT + 2, attacker)).toEqual([...Array(LIMIT).fill(401), 429, 429]);
    // The attacker's address is stopped, even with the right password ...
    const stopped = await as('colleague', '127.0.0.3');
    expect(stopped.status).toBe(429);
    expect(stopped.retryAfter).toBeGreaterThan(0);
    expect(stopped.retryAfter).toBeLessThanOrEqual(900);
    // ... and so is an address the account never used (a distributed guess cannot go on) ...
    expect((await as('colleague', '127.0.0.4')).status).toBe(429);
    // ... but the user signs in from the address they used before.
    expect((await as('colleague', '127.0.0.2')).status).toBe(200);
    // Other accounts are not affected, from any address.
    expect((await as('marketing', '127.0.0.4')).status).toBe(200);
    expect(server.logs.some((l) => l.includes('sign-in rate limit reached'))).toBe(true);
  });

  it('counts every attempt before checking it, so parallel guesses cannot pass the limit', async () => {
    await awayFromWindowEdge();
    const answers = await Promise.all(Array.from({ length: 8 }, () => as('presales', '127.0.0.5', 'parallel guessing')));
    const counts = answers.reduce<Record<number, number>>((m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }), {});
    // Each attempt is counted on three keys in the order requests reach them, so which attempts
    // get through varies; never more than the limit, and only 401 or 429.
    expect(Object.keys(counts).sort()).toEqual(['401', '429']);
    expect(counts[401]).toBeLessThanOrEqual(LIMIT);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(8);
    expect((await as('presales', '127.0.0.5', 'one more guess')).status).toBe(429);
  });

  it('limits an address spraying many accounts, and not the accounts elsewhere', async () => {
    await awayFromWindowEdge();
    const sprayed: number[] = [];
    for (let i = 0; i < LIMIT * 10 + 2; i++) sprayed.push((await signIn(server, '127.0.0.6', `nobody-${i}@test.pipewright.dev`, 'a guessed password')).status);
    expect(sprayed.slice(0, LIMIT * 10)).toEqual(Array(LIMIT * 10).fill(401));
    expect(sprayed.slice(LIMIT * 10)).toEqual([429, 429]);
    expect((await as('regional', '127.0.0.6')).status).toBe(429);
    expect((await as('regional', '127.0.0.7')).status).toBe(200);
  });

  it('is lifted by an admin with POST /api/users/{id}/unlock (and not by anyone else)', async () => {
    await awayFromWindowEdge();
    const guess = () => as('other-manager', '127.0.0.11', 'guessing once more');
    expect(await statuses(LIMIT + 1, guess)).toEqual([...Array(LIMIT).fill(401), 429]);
    expect((await as('other-manager', '127.0.0.12')).status).toBe(429);
    const path = `/api/users/${TEST_ORG.users['other-manager'].id}/unlock`;
    for (const who of ['rep', 'manager'] as const) expect((await server.as(who).api(path, { method: 'POST' })).status).toBe(403);
    expect((await server.api('/api/users/nobody-here/unlock', { method: 'POST' })).status).toBe(404);
    const res = await server.as('admin').api(path, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: TEST_ORG.users['other-manager'].id, cleared: 3 });
    expect((await as('other-manager', '127.0.0.12')).status).toBe(200);
  });

  it('signs in with a hash of the old default cost and stores it again at the current cost', async () => {
    const db = server.platform.database.db;
    const id = 'rick-rep';
    await db.updateTable('users').set({ password_hash: await hashPassword(TEST_PASSWORD, { N: 2 ** 17, r: 8, p: 1 }) }).where('id', '=', id).execute();
    expect((await as('rep', '127.0.0.10')).status).toBe(200);
    const stored = (await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash ?? '';
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', String(DEFAULT_SCRYPT.N), String(DEFAULT_SCRYPT.r), String(DEFAULT_SCRYPT.p)]);
    expect((await as('rep', '127.0.0.10')).status).toBe(200);
  });

  it('is lifted by `pipewright unlock` for an account and for an address', async () => {
    await awayFromWindowEdge();
    const guess = () => as('other-rep', '127.0.0.8', 'guessing again');
    expect(await statuses(LIMIT + 1, guess)).toEqual([...Array(LIMIT).fill(401), 429]);
    expect((await as('other-rep', '127.0.0.9')).status).toBe(429);
    const lines: string[] = [];
    expect(await unlock(server.platform, ['--email', emailOf('other-rep').toUpperCase()], (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(/Cleared 3 sign-in counters/);
    expect((await as('other-rep', '127.0.0.9')).status).toBe(200);
    // The spraying address of the previous test is still limited until it is unlocked too.
    expect((await as('regional', '127.0.0.6')).status).toBe(429);
    expect(await unlock(server.platform, ['--address', '127.0.0.6'], (l) => lines.push(l))).toBe(0);
    expect((await as('regional', '127.0.0.6')).status).toBe(200);
    expect(await unlock(server.platform, [], (l) => lines.push(l))).toBe(2);
    const audit = await server.platform.database.db.selectFrom('events').select(['action', 'actor', 'subject']).where('action', '=', 'auth.unlock').where('actor', '=', 'system:cli-unlock').orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'auth.unlock', actor: 'system:cli-unlock', subject: `user:${emailOf('other-rep').split('@')[0]}` },
      { action: 'auth.unlock', actor: 'system:cli-unlock', subject: 'address:127.0.0.6' },
    ]);
  });
  // A test may first wait up to 60 s for the next fixed window (awayFromWindowEdge), then signs
  // in several times at a real scrypt cost: the default 60 s timeout fails it near a quarter hour.
}, 180_000);
