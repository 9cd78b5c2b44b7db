import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { hashPassword, randomPassword } from './password';

export interface DemoCredential {
  role: 'admin' | 'rep';
  email: string;
  password: string;
}

/**
 * Gives the demo admin and one demo rep (the one owning the most records that move through a
 * process: deals, in the demo data) a password, from
 * `PIPEWRIGHT_DEMO_PASSWORD` when set, random otherwise, for main.ts to print once on the
 * first start. Every other demo user stays without a password until an admin sets one.
 *
 * @example
 * ```ts
 * for (const c of await setDemoCredentials(db, config.demoPassword)) console.log(c.role, c.email, c.password);
 * ```
 */
export async function setDemoCredentials(db: Kysely<Database>, password: string = randomPassword()): Promise<DemoCredential[]> {
  const rep = await db
    .selectFrom('records')
    .innerJoin('users', 'users.id', 'records.owner_id')
    .select(['users.id', 'users.email'])
    .where('records.stage', 'is not', null)
    .where(sql<boolean>`users.roles ? 'rep'`)
    .groupBy(['users.id', 'users.email'])
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('users.id')
    .executeTakeFirst();
  const admin = await db.selectFrom('users').select(['id', 'email']).where('id', '=', 'admin').executeTakeFirst();
  const hash = await hashPassword(password);
  const out: DemoCredential[] = [];
  for (const [role, user] of [['admin', admin], ['rep', rep]] as const) {
    if (!user) continue;
    await db.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
    out.push({ role, email: user.email, password });
  }
  return out;
}
