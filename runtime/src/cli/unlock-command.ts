import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { auditAction } from '../auth/audit';
import { systemPrincipal } from '../auth/principal';
import { RateLimiter } from '../auth/rate-limit';
import { SignInLimits } from '../auth/sign-in-limits';
import { loadConfig } from '../config';
import { createPlatform, type Platform } from '../platform';

const USAGE = 'Usage: pipewright unlock --email <email> | --address <ip> (both may be given)';

/**
 * Lifts sign-in limits on an open platform: every failure counted against an account (from
 * every address) and/or against a client address, audited as `auth.unlock` by
 * `system:cli-unlock`. Returns the exit code (0 done, 2 usage).
 *
 * @example
 * ```ts
 * await unlock(platform, ['--email', 'ops@acme.example'], console.log);
 * ```
 */
export async function unlock(platform: Platform, args: string[], print: (line: string) => void): Promise<number> {
  let values: { email?: string | undefined; address?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { email: { type: 'string' }, address: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    print(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const email = values.email?.trim().toLowerCase();
  const address = values.address?.trim();
  if (!email && !address) {
    print(USAGE);
    return 2;
  }
  if (address && !isIP(address) && address !== 'unknown') {
    print(`"${address}" is not an IP address.\n${USAGE}`);
    return 2;
  }
  const db = platform.database.db;
  const limits = new SignInLimits(db, new RateLimiter(db, () => new Date(), 0), platform.config.loginAttemptsPer15Min);
  const cleared = await limits.unlock({ ...(email ? { email } : {}), ...(address ? { address } : {}) });
  const actor = systemPrincipal('cli-unlock');
  const at = new Date();
  if (email) {
    const user = await db.selectFrom('users').select('id').where(sql<boolean>`lower(email) = ${email}`).executeTakeFirst();
    await auditAction(db, { actor, action: 'auth.unlock', subject: user ? `user:${user.id}` : `email:${email}`, before: null, after: null, at });
  }
  if (address) await auditAction(db, { actor, action: 'auth.unlock', subject: `address:${address}`, before: null, after: null, at });
  print(`Cleared ${cleared} sign-in counters${email ? ` for ${email}` : ''}${email && address ? ' and' : ''}${address ? ` for address ${address}` : ''}.`);
  return 0;
}

/**
 * `pipewright unlock --email <email> [--address <ip>]` (`npm run cli -- unlock ...`): lets an
 * account, or an address, sign in again at once after too many failed sign-ins. On the
 * embedded database, stop the server first (PGlite serves one process); on PostgreSQL it works
 * while servers run.
 *
 * @example
 * ```sh
 * npm run cli -- unlock --email ops@acme.example
 * ```
 */
export async function unlockCommand(args: string[]): Promise<number> {
  const platform = await createPlatform(loadConfig({ ...process.env, PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_WORKERS: '0' }), { log: (l) => console.error(l) });
  try {
    return await unlock(platform, args, (line) => console.log(line));
  } finally {
    await platform.close();
  }
}
