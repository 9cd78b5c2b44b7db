import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';

/** URL-safe id from a name: "Dustin Brinkmann" -> "dustin-brinkmann". */
export const slug = (s: string): string => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export interface DemoOrg {
  units: { id: string; name: string; kind: 'company' | 'region' | 'team'; parent_id: string | null }[];
  users: { id: string; name: string; email: string; org_unit_id: string; roles: string[] }[];
}

/**
 * Builds the org tree from sales_teams.csv: the company, one region per regional office, one
 * team per manager, managers and their agents as users. Adds a demo admin, a marketing and a
 * presales user at company level.
 *
 * @example
 * ```ts
 * const org = demoOrg(readFileSync('sales_teams.csv', 'utf8'));
 * ```
 */
export function demoOrg(teamsCsv: string): DemoOrg {
  const rows = parse(teamsCsv, { columns: true, bom: true, skip_empty_lines: true }) as { sales_agent: string; manager: string; regional_office: string }[];
  const units: DemoOrg['units'] = [{ id: 'company', name: 'Pipewright Demo Co.', kind: 'company', parent_id: null }];
  const users: DemoOrg['users'] = [];
  const email = (name: string) => `${slug(name).replace(/-/g, '.')}@demo.pipewright.dev`;
  const seen = new Set<string>();
  for (const r of rows) {
    const region = `region-${slug(r.regional_office)}`;
    const team = `team-${slug(r.manager)}`;
    if (!seen.has(region)) {
      units.push({ id: region, name: r.regional_office, kind: 'region', parent_id: 'company' });
      seen.add(region);
    }
    if (!seen.has(team)) {
      units.push({ id: team, name: `${r.manager}'s team`, kind: 'team', parent_id: region });
      users.push({ id: slug(r.manager), name: r.manager, email: email(r.manager), org_unit_id: team, roles: ['manager'] });
      seen.add(team);
    }
    users.push({ id: slug(r.sales_agent), name: r.sales_agent, email: email(r.sales_agent), org_unit_id: team, roles: ['rep'] });
  }
  users.push(
    { id: 'admin', name: 'Demo Admin', email: 'admin@demo.pipewright.dev', org_unit_id: 'company', roles: ['admin'] },
    { id: 'marketing', name: 'Demo Marketing', email: 'marketing@demo.pipewright.dev', org_unit_id: 'company', roles: ['marketing'] },
    { id: 'presales', name: 'Demo Presales', email: 'presales@demo.pipewright.dev', org_unit_id: 'company', roles: ['presales'] },
  );
  return { units, users };
}

/** Writes the org tree and users in one transaction. */
export async function writeOrg(db: Kysely<Database>, org: DemoOrg): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const u of org.units) await tx.insertInto('org_units').values(u).execute();
    await tx
      .insertInto('users')
      .values(org.users.map((u) => ({ ...u, roles: JSON.stringify(u.roles) })))
      .execute();
  });
}
