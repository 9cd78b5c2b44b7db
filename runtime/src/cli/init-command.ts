import { parseArgs } from 'node:util';
import { isPipewrightError } from '@pipewright/core';
import { sql } from 'kysely';
import { auditAction } from '../auth/audit';
import { passwordProblem, randomPassword } from '../auth/password';
import { systemPrincipal } from '../auth/principal';
import { createUser } from '../auth/users';
import { loadConfig } from '../config';
import { createPlatform } from '../platform';

/**
 * `pipewright init --email you@example.com --name "Your Name" [--company "Acme Inc."]` creates
 * the company org unit and the first admin of a non-demo install. The password comes from
 * `PIPEWRIGHT_INIT_PASSWORD` (never a command-line argument, which other users can see in the
 * process list) or is generated and printed once. Refuses (exit 3) when an active admin exists.
 *
 * @example
 * ```sh
 * PIPEWRIGHT_DEMO=false npm run cli -- init --email ops@acme.test --name "Olga Ops" --company "Acme"
 * ```
 */
export async function initCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' }, id: { type: 'string' }, company: { type: 'string', default: 'My company' } }, strict: true });
  if (!values.email || !values.name) {
    console.error('Usage: pipewright init --email <email> --name <name> [--id <user-id>] [--company <name>]  (password: PIPEWRIGHT_INIT_PASSWORD, else generated)');
    return 2;
  }
  const given = process.env.PIPEWRIGHT_INIT_PASSWORD;
  const weak = given === undefined ? null : passwordProblem(given);
  if (weak) {
    console.error(`PIPEWRIGHT_INIT_PASSWORD ${weak}.`);
    return 2;
  }
  const password = given ?? randomPassword();
  const platform = await createPlatform(loadConfig({ ...process.env, PIPEWRIGHT_DEMO: 'false' }), { log: (l) => console.error(l) });
  const db = platform.database.db;
  const actor = systemPrincipal('cli-init');
  try {
    const admins = await db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).where('active', '=', true).where(sql<boolean>`roles ? 'admin'`).executeTakeFirstOrThrow();
    if (admins.n > 0) {
      console.error('This install already has an admin; sign in and create users through the API (POST /api/users).');
      return 3;
    }
    let company = await db.selectFrom('org_units').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
    if (!company) {
      company = { id: 'company' };
      const unit = { id: 'company', name: values.company, kind: 'company' as const, parent_id: null };
      await db.insertInto('org_units').values(unit).execute();
      await auditAction(db, { actor, action: 'org-unit.create', subject: 'org-unit:company', before: null, after: { id: unit.id, name: unit.name, kind: unit.kind, parent: null }, at: new Date() });
    }
    const id = values.id ?? values.email.split('@')[0]?.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') ?? 'admin';
    const user = await createUser(db, { id: id || 'admin', name: values.name, email: values.email, orgUnit: company.id, roles: ['admin'], password }, actor, new Date());
    console.log(`Created admin "${user.id}" (${user.email}) in org unit "${company.id}".`);
    if (given === undefined) console.log(`Password (shown once, change it after signing in): ${password}`);
    return 0;
  } catch (err) {
    if (!isPipewrightError(err)) throw err;
    console.error(`${err.message}${err.details.length ? '\n' + err.details.map((d) => `  ${d.pointer} ${d.message}`).join('\n') : ''}`);
    return 2;
  } finally {
    await platform.close();
  }
}
