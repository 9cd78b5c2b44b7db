import { createHash } from 'node:crypto';
import type { Principal } from './principal';

interface Entry {
  principal: Principal;
  cachedAt: number;
}

/**
 * Remembers the principal of a credential for a short time, so a burst of requests with one
 * token or session costs one credential and user lookup instead of one per request. Entries
 * live `ttlMs` (default 2 s); any change to users, org units, tokens or sessions made through
 * this process clears the cache at once. Another process sees such a change within `ttlMs`.
 *
 * @example
 * ```ts
 * const cache = new PrincipalCache();
 * const p = cache.get('token', secret, Date.now()) ?? cache.set('token', secret, await load(), Date.now());
 * ```
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs = 2000,
    private readonly maxEntries = 10_000,
  ) {}

  private key(kind: 'token' | 'session', secret: string): string {
    return `${kind}:${createHash('sha256').update(secret).digest('base64url')}`;
  }

  get(kind: 'token' | 'session', secret: string, nowMs: number): Principal | undefined {
    if (this.ttlMs <= 0) return undefined;
    const key = this.key(kind, secret);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (nowMs - entry.cachedAt >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  set(kind: 'token' | 'session', secret: string, principal: Principal, nowMs: number): Principal {
    if (this.ttlMs <= 0) return principal;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(this.key(kind, secret), { principal, cachedAt: nowMs });
    return principal;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Requests after which cached principals may be stale: writes to identity resources. */
export function changesIdentity(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  return /^\/api\/(users|tokens|org-units|auth\/logout)(\/|$)/.test(path);
}
