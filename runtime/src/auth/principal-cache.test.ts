import { describe, expect, it } from 'vitest';
import { changesIdentity, PrincipalCache } from './principal-cache';
import type { Principal } from './principal';

const principal = { id: 'user:ada', userId: 'ada', roles: ['rep'] } as unknown as Principal;

describe('PrincipalCache', () => {
  it('returns a principal within its time to live and forgets it after', () => {
    const cache = new PrincipalCache(1000);
    cache.set('token', 'pwt_secret', principal, 10_000);
    expect(cache.get('token', 'pwt_secret', 10_999)).toBe(principal);
    expect(cache.get('session', 'pwt_secret', 10_500)).toBeUndefined();
    expect(cache.get('token', 'pwt_other', 10_500)).toBeUndefined();
    expect(cache.get('token', 'pwt_secret', 11_000)).toBeUndefined();
  });

  it('is emptied by clear() and disabled by a zero time to live', () => {
    const cache = new PrincipalCache(1000);
    cache.set('session', 's', principal, 0);
    cache.clear();
    expect(cache.get('session', 's', 1)).toBeUndefined();
    const off = new PrincipalCache(0);
    off.set('session', 's', principal, 0);
    expect(off.get('session', 's', 0)).toBeUndefined();
  });

  it('knows which requests change identity', () => {
    expect(changesIdentity('POST', '/api/users/kim/deactivate')).toBe(true);
    expect(changesIdentity('DELETE', '/api/tokens/1')).toBe(true);
    expect(changesIdentity('PATCH', '/api/org-units/x')).toBe(true);
    expect(changesIdentity('POST', '/api/auth/logout')).toBe(true);
    expect(changesIdentity('GET', '/api/users')).toBe(false);
    expect(changesIdentity('POST', '/api/records/pipeline.deal')).toBe(false);
    expect(changesIdentity('POST', '/api/usersx')).toBe(false);
  });
});
