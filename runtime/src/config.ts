import { delimiter, resolve } from 'node:path';
import { parsePrivateAllowList, type PrivateAllowList } from './jobs/destination';

/** Runtime configuration, from environment variables (documented in the README). */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL; absent means the embedded PGlite. */
  databaseUrl?: string;
  /** Connections the runtime keeps to PostgreSQL (its pool size). */
  databasePoolSize: number;
  /** PGlite data folder; `memory` for an in-memory database. */
  dataDir: string;
  /** Extra plugin folders (each a plugin, or a folder of plugins). */
  pluginDirs: string[];
  /** Plugin configuration variables (`PIPEWRIGHT_PLUGIN_<PLUGIN>_<PROPERTY>`), read by each plugin's `config.schema`. */
  pluginEnv: Record<string, string>;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** Largest accepted CSV import body, in bytes. */
  maxImportBytes: number;
  /** Seed the demo data set on first start. */
  demo: boolean;
  /** Years the demo moves the data set's dates by: `auto` (latest date in the current year) or a fixed number; 0 keeps them. */
  demoShiftYears: 'auto' | number;
  /** Password of the demo admin and rep; random when absent. */
  demoPassword?: string;
  /** Lifetime of a sign-in session, in seconds. */
  sessionTtlSeconds: number;
  /** Requests per minute one user or token may make (shared by all processes). */
  rateLimitPerMinute: number;
  /** Sign-in attempts per account per 15 minutes (ten times as many per client address). */
  loginAttemptsPer15Min: number;
  /** How long a credential's principal is reused without a database lookup, in ms (0: never). */
  authCacheMs: number;
  /** How often a process writes its batched API rate-limit counts (ms; 0: every request). */
  rateLimitSyncMs: number;
  /** Mark cookies Secure: `auto` does so for HTTPS requests (as a proxy reports them). */
  secureCookies: 'auto' | 'always' | 'never';
  /** How long a stored Idempotency-Key response is replayed, in hours; older keys are new again and swept. */
  idempotencyTtlHours: number;
  /** Non-public webhook destinations an operator allows (CIDRs, hosts or all); none by default. */
  webhookAllowPrivate: PrivateAllowList;
  /** IANA time zone metric periods (days, weeks, months, quarters, years) are cut in. */
  timeZone: string;
  /** On SIGTERM, how long `/ready` answers 503 before the listener closes (ms). */
  shutdownDelayMs: number;
  /** How long an idle client connection stays open, in seconds (longer than a load balancer's or client's idle timeout). */
  keepAliveSeconds: number;
}

/**
 * The plugin folders `PIPEWRIGHT_PLUGINS` names (separated as PATH is), resolved; the server and the
 * CLI read it alike.
 *
 * @example
 * ```ts
 * pluginDirsOf({ PIPEWRIGHT_PLUGINS: '/srv/acme:/srv/more' }); // ['/srv/acme', '/srv/more']
 * ```
 */
export function pluginDirsOf(env: Record<string, string | undefined>): string[] {
  return (env.PIPEWRIGHT_PLUGINS ?? '').split(delimiter).filter(Boolean).map((p) => resolve(p));
}

/**
 * Reads the configuration from an environment.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env);
 * ```
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number; got "${env.PORT}"`);
  const positive = (name: string, fallback: number) => {
    const raw = env[name];
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer; got "${raw}"`);
    return n;
  };
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    databasePoolSize: positive('PIPEWRIGHT_DB_POOL', 10),
    dataDir: env.PIPEWRIGHT_DATA_DIR === 'memory' ? 'memory' : resolve(env.PIPEWRIGHT_DATA_DIR ?? '.pipewright-data'),
    pluginDirs: pluginDirsOf(env),
    pluginEnv: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('PIPEWRIGHT_PLUGIN_') && e[1] !== undefined)),
    maxBodyBytes: positive('PIPEWRIGHT_MAX_BODY_BYTES', 1024 * 1024),
    maxImportBytes: positive('PIPEWRIGHT_MAX_IMPORT_BYTES', 50 * 1024 * 1024),
    demo: env.PIPEWRIGHT_DEMO !== 'false',
    demoShiftYears: demoShift(env.PIPEWRIGHT_DEMO_SHIFT_YEARS),
    ...(env.PIPEWRIGHT_DEMO_PASSWORD ? { demoPassword: env.PIPEWRIGHT_DEMO_PASSWORD } : {}),
    sessionTtlSeconds: positive('PIPEWRIGHT_SESSION_TTL', 12 * 3600),
    rateLimitPerMinute: positive('PIPEWRIGHT_RATE_LIMIT', 1200),
    loginAttemptsPer15Min: positive('PIPEWRIGHT_LOGIN_RATE_LIMIT', 10),
    secureCookies: secureCookies(env.PIPEWRIGHT_SECURE_COOKIES),
    authCacheMs: env.PIPEWRIGHT_AUTH_CACHE_MS === '0' ? 0 : positive('PIPEWRIGHT_AUTH_CACHE_MS', 2000),
    rateLimitSyncMs: env.PIPEWRIGHT_RATE_LIMIT_SYNC_MS === '0' ? 0 : positive('PIPEWRIGHT_RATE_LIMIT_SYNC_MS', 1000),
    idempotencyTtlHours: positive('PIPEWRIGHT_IDEMPOTENCY_TTL_HOURS', 24),
    webhookAllowPrivate: parsePrivateAllowList(env.PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE),
    timeZone: timeZone(env.PIPEWRIGHT_TIME_ZONE),
    keepAliveSeconds: positive('PIPEWRIGHT_KEEP_ALIVE_SECONDS', 65),
    shutdownDelayMs: env.PIPEWRIGHT_SHUTDOWN_DELAY_MS === undefined || env.PIPEWRIGHT_SHUTDOWN_DELAY_MS === '0' ? 0 : positive('PIPEWRIGHT_SHUTDOWN_DELAY_MS', 0),
  };
}

function demoShift(raw: string | undefined): Config['demoShiftYears'] {
  const v = raw?.trim();
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new Error(`PIPEWRIGHT_DEMO_SHIFT_YEARS must be auto or a whole number of years (0 keeps the data set's dates); got "${raw}"`);
  return n;
}

function timeZone(raw: string | undefined): string {
  const zone = raw === undefined || raw.trim() === '' ? 'UTC' : raw.trim();
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new Error(`PIPEWRIGHT_TIME_ZONE must be an IANA time zone such as UTC or Asia/Shanghai; got "${raw}"`);
  }
  return zone;
}

function secureCookies(raw: string | undefined): Config['secureCookies'] {
  if (raw === undefined || raw === 'auto') return 'auto';
  if (raw === 'true' || raw === 'always') return 'always';
  if (raw === 'false' || raw === 'never') return 'never';
  throw new Error(`PIPEWRIGHT_SECURE_COOKIES must be auto, true or false; got "${raw}"`);
}
