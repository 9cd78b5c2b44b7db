import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { withSchemaLock } from '../db/migration-lock';
import { importCsv, type ImportReport } from '../import/importer';
import type { Platform } from '../platform';
import { analyzeDemoHistory, demoHistory, publishDemoProcess, publishShippedProcesses } from './history';
import { demoYearShift, shiftCsvDates } from './dates';
import { demoOrg, writeOrg } from './org';
import { seedPluginDemo } from './plugin-demo';

const DEMO_DIR = fileURLToPath(new URL('../../demo/', import.meta.url));
const DATA_DIR = `${DEMO_DIR}crm-sales-opportunities/`;

export interface SeedReport {
  seeded: boolean;
  units: number;
  users: number;
  /** Agents in sales_teams.csv with no opportunity in the pipeline (created all the same). */
  agentsWithoutDeals: string[];
  imports: ImportReport[];
  /** Whole years the deals' dates were moved by (PIPEWRIGHT_DEMO_SHIFT_YEARS). */
  shiftedYears: number;
}

const read = (file: string) => readFileSync(file, 'utf8');

/** The deal columns that hold dates. */
const DEAL_DATES = ['engage_date', 'close_date'];

/**
 * Seeds the demo on an empty database: the org tree and users from sales_teams.csv, then
 * accounts, products and all 8,800 opportunities through the CSV importer, then the plugins'
 * own demo data (`contributes.demo`). Does nothing when the
 * database already holds an org.
 *
 * @example
 * ```ts
 * const report = await seedDemo(platform, (line) => console.log(line));
 * ```
 */
export async function seedDemo(platform: Platform, log: (line: string) => void = () => {}): Promise<SeedReport> {
  // Runtimes started together on an empty PostgreSQL database would each find no org and seed
  // it (the second one failing on a duplicate org unit): one seeds under a cross-process lock,
  // the others wait and then find the org there. PGlite has one process (data-dir lock).
  if (platform.database.backend !== 'postgres') return seedUnlocked(platform, log);
  return withSchemaLock(platform.database.db as Kysely<unknown>, 'demo-seed', () => seedUnlocked(platform, log), log);
}

async function seedUnlocked(platform: Platform, log: (line: string) => void): Promise<SeedReport> {
  const db = platform.database.db;
  const existing = await db.selectFrom('org_units').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  if (existing.n > 0) return { seeded: false, units: 0, users: 0, agentsWithoutDeals: [], imports: [], shiftedYears: 0 };
  const org = demoOrg(read(`${DATA_DIR}sales_teams.csv`));
  await writeOrg(db, org);
  log(`Seeding demo: ${org.units.length} org units, ${org.users.length} users`);
  const actor = { id: 'system:demo-seed' };
  const imports: ImportReport[] = [];
  // The data set ends in 2017: its dates move by whole years so the latest falls in the current
  // year (quarters stay quarters), and SLA badges, stuck deals and "this quarter" mean something.
  const now = platform.store.now();
  const original = read(`${DATA_DIR}sales_pipeline.csv`);
  const { latest } = shiftCsvDates(original, DEAL_DATES, 0);
  const shiftedYears = demoYearShift(latest, now, platform.config.demoShiftYears);
  const deals = shiftCsvDates(original, DEAL_DATES, shiftedYears).csv;
  if (shiftedYears > 0) log(`Seeding demo: deal dates moved ${shiftedYears} years forward (latest ${latest} -> ${latest.replace(/^\d{4}/, (y) => String(Number(y) + shiftedYears))}); PIPEWRIGHT_DEMO_SHIFT_YEARS=0 keeps them`);
  // Deals join the published default process as they are imported, with history from their dates.
  await publishDemoProcess(platform.processes);
  const stages = { definitions: platform.processes.definitions, history: demoHistory(now) };
  for (const [file, mappingFile, label] of [
    ['accounts.csv', 'accounts.mapping.json', 'accounts'],
    ['products.csv', 'products.mapping.json', 'products'],
    ['sales_pipeline.csv', 'deals.mapping.json', 'deals'],
  ] as const) {
    let lastShown = 0;
    const report = await importCsv(db, platform.registry, file === 'sales_pipeline.csv' ? deals : read(DATA_DIR + file), JSON.parse(read(DEMO_DIR + mappingFile)), {
      actor,
      fileName: file,
      stages,
      onProgress: (done, total) => {
        if (done === total || done - lastShown >= 2000) {
          lastShown = done;
          log(`Seeding demo: ${label} ${done}/${total}`);
        }
      },
    });
    if (report.status !== 'completed' || report.rejectedRows > 0) {
      throw new Error(`Demo seed: importing ${file} rejected ${report.rejectedRows} rows: ${JSON.stringify(report.problems.slice(0, 5))}`);
    }
    imports.push(report);
  }
  // The plugins' other processes (reviews, leads, handoffs) get published so their records can be made at once.
  const more = await publishShippedProcesses(platform.processes);
  if (more.length) log(`Seeding demo: published ${more.join(', ')}`);
  // Then each plugin's own demo records (contacts, activities, ...), dependencies first.
  imports.push(...(await seedPluginDemo(db, platform.registry, shiftedYears, { actor, stages }, log)));
  // Imports write without hooks: jobs that maintain what hooks keep (crm's grading and match keys) run once now.
  const maintained = await platform.plugins.runAfterDemoSeed();
  if (maintained.length) log(`Seeding demo: ran ${maintained.join(', ')}`);
  await analyzeDemoHistory(platform.processes, log);
  const owners = new Set((await db.selectFrom('records').select('owner_id').distinct().where('type', '=', 'pipeline.deal').execute()).map((r) => r.owner_id));
  const agentsWithoutDeals = org.users.filter((u) => u.roles.includes('rep') && !owners.has(u.id)).map((u) => u.name);
  log(`Seeding demo: done (${imports.map((r) => `${r.importedRows} ${r.entity}`).join(', ')}; ${agentsWithoutDeals.length} agents without deals)`);
  return { seeded: true, units: org.units.length, users: org.users.length, agentsWithoutDeals, imports, shiftedYears };
}
