import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A random URL-safe secret (256 bits by default), optionally prefixed.
 *
 * @example
 * ```ts
 * randomSecret('pwt_'); // 'pwt_Q2x...'
 * ```
 */
export function randomSecret(prefix = '', bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 hex digest. Right for high-entropy secrets (session ids, API tokens); passwords go
 * through scrypt instead (`password.ts`).
 *
 * @example
 * ```ts
 * const stored = sha256(token);
 * ```
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Constant-time string comparison.
 *
 * @example
 * ```ts
 * safeEqual(header, expected);
 * ```
 */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
