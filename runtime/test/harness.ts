import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { hashPassword } from '../src/auth/password';
import type { Role, Scope } from '../src/auth/roles';
import { systemPrincipal } from '../src/auth/principal';
import { randomSecret, sha256 } from '../src/auth/secrets';
import { CSRF_HEADER, SESSION_COOKIE, createSession } from '../src/auth/sessions';
import { TOKEN_PREFIX } from '../src/auth/tokens';
import { loadConfig, type Config } from '../src/config';
import { dropSchema } from '../src/db/database';
import { createPlatform, type Platform } from '../src/platform';
import { keepIdleConnections, type KeepAliveServer } from '../src/http/keep-alive';

/** The storage backends every contract suite runs against. */
export interface Backend {
  name: 'pglite' | 'postgres';
  url?: string;
}

/**
 * PGlite always; PostgreSQL too when `TEST_DATABASE_URL` is set.
 *
 * @example
 * ```ts
 * describe.each(backends())('records on $name', (backend) => { ... });
 * ```
 */
export function backends(): Backend[] {
  const url = process.env.TEST_DATABASE_URL;
  return [{ name: 'pglite' }, ...(url ? [{ name: 'postgres' as const, url }] : [])];
}

/** `fetch` relative to the server; `json` is encoded as the body. */
export type ApiFetch = (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;

/**
 * The test org, seeded on first use of {@link TestServer.as}: company -> north (teams A, B) and
 * south (team A). Everyone in the matrix sits in north-a; `other-rep` and `other-manager` in
 * south-a; `regional` manages the north region.
 */
export const TEST_ORG = {
  units: [
    { id: 't-company', name: 'Test Co.', kind: 'company', parent_id: null },
    { id: 't-north', name: 'North', kind: 'region', parent_id: 't-company' },
    { id: 't-north-a', name: 'North A', kind: 'team', parent_id: 't-north' },
    { id: 't-north-b', name: 'North B', kind: 'team', parent_id: 't-north' },
    { id: 't-south', name: 'South', kind: 'region', parent_id: 't-company' },
    { id: 't-south-a', name: 'South A', kind: 'team', parent_id: 't-south' },
  ],
  users: {
    admin: { id: 'adam-admin', unit: 't-north-a', roles: ['admin'] },
    manager: { id: 'mia-manager', unit: 't-north-a', roles: ['manager'] },
    rep: { id: 'rick-rep', unit: 't-north-a', roles: ['rep'] },
    marketing: { id: 'mona-marketing', unit: 't-north-a', roles: ['marketing'] },
    presales: { id: 'pete-presales', unit: 't-north-a', roles: ['presales'] },
    colleague: { id: 'cora-colleague', unit: 't-north-a', roles: ['rep'] },
    regional: { id: 'rae-regional', unit: 't-north', roles: ['manager'] },
    'other-rep': { id: 'otto-rep', unit: 't-south-a', roles: ['rep'] },
    'other-manager': { id: 'oscar-manager', unit: 't-south-a', roles: ['manager'] },
  },
} as const satisfies { units: unknown[]; users: Record<string, { id: string; unit: string; roles: readonly Role[] }> };

export type TestUser = keyof typeof TEST_ORG.users;
/** The password of every test-org user (hashed at a low scrypt cost to keep tests fast). */
export const TEST_PASSWORD = 'test-password-0123456789';
export const emailOf = (user: TestUser): string => `${TEST_ORG.users[user].id}@test.pipewright.dev`;

/** A client signed in as one test user, by session cookie (with CSRF header) or bearer token. */
export interface Client {
  userId: string;
  api: ApiFetch;
}

export interface TestServer {
  platform: Platform;
  url: string;
  logs: string[];
  /** fetch relative to the server as the harness admin (bearer token), JSON bodies encoded. */
  api: ApiFetch;
  /** fetch without any credential. */
  anonymous: ApiFetch;
  /** Headers that authenticate a raw fetch the way `api` does. */
  authHeaders: Record<string, string>;
  /** A client for a test-org user (seeds the test org on first use). */
  as(user: TestUser, via?: 'session' | 'token', scopes?: Scope[]): Client;
  /** Seeds the test org (idempotent). */
  seedOrg(): Promise<void>;
  /** Secrets seeded into the database that must never appear in a response or log line. */
  canaries: string[];
  /** Responses in which a canary appeared (close() fails the suite if any). */
  leaks: string[];
  close(): Promise<void>;
}

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

/**
 * Starts the real runtime over HTTP on an ephemeral port, on in-memory PGlite or a fresh
 * PostgreSQL schema that is dropped on close. Seeds a harness admin with a bearer token (`api`)
 * and canary secrets (a password, its hash, a token, a session) whose appearance in any response
 * or log line fails the suite at close.
 *
 * @example
 * ```ts
 * const server = await startServer(backend);
 * const res = await server.api('/health');
 * const rep = server.as('rep');
 * await rep.api('/api/records/pipeline.deal');
 * ```
 *
 * The default pipeline (`new_business`) is published as version 1 unless `options.drafts` is set
 * (records of a stageful entity need a published process).
 *
 * The demo keeps the data set's own dates (`PIPEWRIGHT_DEMO_SHIFT_YEARS=0`) so tests compare with
 * the CSV as it is; demo-shift.test.ts covers the shift.
 *
 * `options.now` replaces the runtime's clock (sessions the harness creates use the real clock:
 * a test that moves the clock far signs in with bearer tokens, `as(user, 'token')`).
 */
export async function startServer(backend: Backend, env: Record<string, string> = {}, options: { now?: () => Date; drafts?: boolean; builtinPluginsDir?: string } = {}): Promise<TestServer> {
  const schema = backend.url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const config: Config = loadConfig({ PIPEWRIGHT_DATA_DIR: 'memory', PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_DEMO_SHIFT_YEARS: '0', ...(backend.url ? { DATABASE_URL: backend.url } : {}), ...env });
  const logs: string[] = [];
  const platform = await createPlatform(config, { ...(schema ? { schema } : {}), log: (l) => logs.push(l), ...(options.now ? { now: options.now } : {}), ...(options.builtinPluginsDir ? { builtinPluginsDir: options.builtinPluginsDir } : {}) });
  const db = platform.database.db;
  // Records of a stageful entity belong to a published process version: publish the default
  // pipeline as a real install's admin (or the demo seed) would, unless the suite wants drafts.
  if (!options.drafts) await platform.processes.definitions.publish('new_business', systemPrincipal('test-harness'));

  const canaryPassword = `canary-password-${randomBytes(8).toString('hex')}`;
  const canaryHash = await hashPassword(canaryPassword, FAST_SCRYPT);
  const adminToken = randomSecret(TOKEN_PREFIX);
  const canaryToken = randomSecret(TOKEN_PREFIX);
  await db
    .insertInto('users')
    .values([
      { id: 'harness-admin', name: 'Harness Admin', email: 'harness-admin@test.pipewright.dev', org_unit_id: null, roles: JSON.stringify(['admin']), password_hash: null },
      { id: 'canary-user', name: 'Canary', email: 'canary@test.pipewright.dev', org_unit_id: null, roles: JSON.stringify(['rep']), password_hash: canaryHash },
    ])
    .execute();
  const now = new Date();
  const token = (id: string, userId: string, secret: string, scopes: Scope[]) => ({ id, user_id: userId, name: id, scopes: JSON.stringify(scopes), token_hash: sha256(secret), created_by: 'system:test', created_at: now });
  await db
    .insertInto('api_tokens')
    .values([token('00000000-0000-4000-8000-00000000a001', 'harness-admin', adminToken, ['read', 'write', 'import', 'admin']), token('00000000-0000-4000-8000-00000000a002', 'canary-user', canaryToken, ['read'])])
    .execute();
  const canarySession = await createSession(db, 'canary-user', 3600, now);
  const canaries = [canaryPassword, canaryHash, canaryToken, sha256(canaryToken), adminToken, sha256(adminToken), canarySession.secret, canarySession.id];
  const leaks: string[] = [];

  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      {
        fetch: async (req, bindings) => {
          const res = await platform.app.fetch(req, bindings);
          const text = `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await res.clone().text()}`;
          for (const c of canaries) if (text.includes(c)) leaks.push(`${req.method} ${new URL(req.url).pathname} -> ${res.status} contains canary ${c.slice(0, 12)}...`);
          return res;
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  // The test's fetch (undici) drops an idle connection after 4 s; Node's server closes one after
  // 5 s. On a busy machine the event loop can stall past that gap, and a request sent on a
  // connection the server is closing fails with ECONNRESET. The server here keeps idle
  // connections longer than the client ever does, so the client always closes first.
  keepIdleConnections(server as unknown as KeepAliveServer, 60);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fetcher =
    (headersFor: (method: string) => Promise<Record<string, string>>): ApiFetch =>
    async (path, init = {}) => {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      for (const [k, v] of Object.entries(await headersFor((rest.method ?? 'GET').toUpperCase()))) if (!headers.has(k)) headers.set(k, v);
      if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(url + path, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    };

  let seeded: Promise<void> | undefined;
  const seedOrg = () =>
    (seeded ??= (async () => {
      const hash = await hashPassword(TEST_PASSWORD, FAST_SCRYPT);
      await db.insertInto('org_units').values(TEST_ORG.units.map((u) => ({ ...u }))).execute();
      await db
        .insertInto('users')
        .values(Object.entries(TEST_ORG.users).map(([key, u]) => ({ id: u.id, name: key, email: emailOf(key as TestUser), org_unit_id: u.unit, roles: JSON.stringify(u.roles), password_hash: hash })))
        .execute();
    })());
  const credentials = new Map<string, Promise<Record<string, string>>>();
  const credentialFor = (user: TestUser, via: 'session' | 'token', scopes: Scope[]) => {
    const key = `${user}|${via}|${scopes.join(',')}`;
    let c = credentials.get(key);
    if (!c) {
      c = (async (): Promise<Record<string, string>> => {
        await seedOrg();
        const userId = TEST_ORG.users[user].id;
        if (via === 'session') {
          const s = await createSession(db, userId, 3600, new Date());
          canaries.push(s.secret);
          return { cookie: `${SESSION_COOKIE}=${s.secret}`, [CSRF_HEADER]: s.csrfToken };
        }
        const secret = randomSecret(TOKEN_PREFIX);
        await db.insertInto('api_tokens').values(token(crypto.randomUUID(), userId, secret, scopes)).execute();
        canaries.push(secret);
        return { authorization: `Bearer ${secret}` };
      })();
      credentials.set(key, c);
    }
    return c as Promise<Record<string, string>>;
  };

  return {
    platform,
    url,
    logs,
    canaries,
    leaks,
    authHeaders: { authorization: `Bearer ${adminToken}` },
    api: fetcher(async () => ({ authorization: `Bearer ${adminToken}` })),
    anonymous: fetcher(async () => ({})),
    seedOrg,
    as(user, via = 'session', scopes = ['read', 'write', 'import', 'admin']) {
      const all = credentialFor(user, via, scopes);
      return {
        userId: TEST_ORG.users[user].id,
        api: fetcher(async (method) => {
          const h = { ...(await all) };
          if (method === 'GET' || method === 'HEAD') delete h[CSRF_HEADER];
          return h;
        }),
      };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await platform.close();
      if (schema && backend.url) await dropSchema(backend.url, schema);
      for (const line of logs) for (const c of canaries) if (line.includes(c)) leaks.push(`log line contains canary ${c.slice(0, 12)}...: ${line.slice(0, 200)}`);
      if (leaks.length) throw new Error(`Secrets leaked:\n${leaks.join('\n')}`);
    },
  };
}

/** Counts rows of the records and events tables, to prove a refused request wrote nothing. */
export async function countRows(platform: Platform): Promise<{ records: number; events: number }> {
  const db = platform.database.db;
  const r = await db.selectFrom('records').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const e = await db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { records: Number(r.n), events: Number(e.n) };
}
