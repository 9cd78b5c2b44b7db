import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, DUMMY_HASH, hashPassword, passwordProblem, randomPassword, verifyPassword } from './password';

describe('scrypt passwords', () => {
  it('hashes with a random salt at an OWASP cost and verifies in constant time', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(new RegExp(`^scrypt\\$${DEFAULT_SCRYPT.N}\\$8\\$5\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{86}$`));
    expect(hash).not.toBe(await hashPassword('correct horse battery staple', { N: 1024, r: 8, p: 1 }));
    expect(await verifyPassword('correct horse battery staple', hash)).toEqual({ ok: true, needsRehash: false });
    expect((await verifyPassword('correct horse battery stapler', hash)).ok).toBe(false);
  });

  it('costs 16 MiB per hash, and still verifies (and asks to rehash) hashes of the old 128 MiB default', async () => {
    expect(128 * DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r).toBe(16 * 2 ** 20);
    const old = await hashPassword('an old account password', { N: 2 ** 17, r: 8, p: 1 });
    expect(await verifyPassword('an old account password', old)).toEqual({ ok: true, needsRehash: true });
    expect((await verifyPassword('not the old password', old)).ok).toBe(false);
    // The dummy hash (unknown accounts) costs what a real one does, so timing tells nothing.
    expect(DUMMY_HASH.split('$').slice(1, 4).map(Number)).toEqual([DEFAULT_SCRYPT.N, DEFAULT_SCRYPT.r, DEFAULT_SCRYPT.p]);
    // A damaged row asking for gigabytes is refused rather than allocated.
    expect((await verifyPassword('an old account password', old.replace(`$${2 ** 17}$`, `$${2 ** 24}$`))).ok).toBe(false);
  });

  it('flags cheaper hashes for rehashing and rejects damaged ones', async () => {
    const cheap = await hashPassword('a long enough password', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('a long enough password', cheap)).toEqual({ ok: true, needsRehash: true });
    for (const bad of ['', 'plain', 'scrypt$x$8$1$AAAA$BBBB', cheap.replace('scrypt', 'bcrypt'), DUMMY_HASH]) expect((await verifyPassword('a long enough password', bad)).ok).toBe(false);
  });

  it('asks only for length, and generates strong random passwords', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(300))).toMatch(/at most/);
    expect(passwordProblem('twelve chars')).toBeNull();
    expect(randomPassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomPassword()).not.toBe(randomPassword());
  });
});
