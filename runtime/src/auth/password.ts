import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost at the OWASP minimum (N=2^17, r=8, p=1); stored with each hash. */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const MIN_LENGTH = 12;
const MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
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
 * Checks a password against a stored hash in constant time. `needsRehash` is true when the
 * hash was made with a lower cost than the current default.
 *
 * @example
 * ```ts
 * const { ok } = await verifyPassword(input, user.password_hash);
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<{ ok: boolean; needsRehash: boolean }> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !hash || ![cost.N, cost.r, cost.p].every((x) => Number.isInteger(x) && x > 0)) return { ok: false, needsRehash: false };
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), cost);
  const ok = key.length === expected.length && timingSafeEqual(key, expected);
  return { ok, needsRehash: ok && cost.N < DEFAULT_SCRYPT.N };
}

/** A hash no password matches, verified against when the user is unknown so timing does not tell. */
export const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(86);

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
