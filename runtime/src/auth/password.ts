import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';

/**
 * scrypt cost: N=2^14, r=8, p=5, one of the parameter sets the OWASP Password Storage Cheat
 * Sheet lists as equivalent to N=2^17, r=8, p=1. It needs 16 MiB per hash instead of the 128 MiB of N=2^17, p=1 and
 * takes about as long (ADR 003, addendum "password hash cost"); stored with each hash.
 */
export const DEFAULT_SCRYPT = { N: 2 ** 14, r: 8, p: 5 } as const;
const KEY_LENGTH = 64;
const MIN_LENGTH = 12;
const MAX_LENGTH = 256;
/** Largest N a stored hash may ask for (a damaged or hostile row must not allocate gigabytes). */
const MAX_N = 2 ** 20;

/**
 * At most one derivation per core at a time: a burst of sign-ins queues here instead of taking
 * every libuv thread (which DNS lookups and file I/O share) and 16 MiB each.
 */
const slots = { free: Math.max(1, availableParallelism()), waiting: [] as (() => void)[] };

async function withSlot<T>(run: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await run();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r + 1024 * 1024 };
  return withSlot(() => new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)))));
}

/**
 * Why a password is unacceptable, or null when it is fine (length only, as NIST SP 800-63B
 * recommends; no composition rules).
 *
 * @example
 * ```ts
 * passwordProblem('short'); // 'must be at least 12 characters'
 * ```
 */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_LENGTH) return `must be at least ${MIN_LENGTH} characters`;
  if (password.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters`;
  return null;
}

/**
 * Hashes a password with node:crypto scrypt and a random salt, as
 * `scrypt$N$r$p$salt$hash` (base64url). `cost` exists for test fixtures only.
 *
 * @example
 * ```ts
 * const stored = await hashPassword('correct horse battery staple');
 * ```
 */
export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Checks a password against a stored hash in constant time. Hashes made with other parameters
 * (older defaults) still verify; `needsRehash` is then true, and the caller stores a new hash
 * made with {@link DEFAULT_SCRYPT}.
 *
 * @example
 * ```ts
 * const { ok } = await verifyPassword(input, user.password_hash);
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<{ ok: boolean; needsRehash: boolean }> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !hash || ![cost.N, cost.r, cost.p].every((x) => Number.isInteger(x) && x > 0) || cost.N > MAX_N || cost.r > 32 || cost.p > 64) return { ok: false, needsRehash: false };
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), cost);
  const ok = key.length === expected.length && timingSafeEqual(key, expected);
  const current = cost.N === DEFAULT_SCRYPT.N && cost.r === DEFAULT_SCRYPT.r && cost.p === DEFAULT_SCRYPT.p;
  return { ok, needsRehash: ok && !current };
}

/**
 * A hash no password matches, at the current cost, verified against when the user is unknown
 * so timing does not tell.
 */
export const DUMMY_HASH = `scrypt$${DEFAULT_SCRYPT.N}$${DEFAULT_SCRYPT.r}$${DEFAULT_SCRYPT.p}$AAAAAAAAAAAAAAAAAAAAAA$${'A'.repeat(86)}`;

/**
 * A random password for generated credentials (demo, `pipewright init`).
 *
 * @example
 * ```ts
 * const pw = randomPassword(); // 24 URL-safe characters
 * ```
 */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}
