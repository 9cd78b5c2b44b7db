/**
 * `npm run gen -- --deals 1000000 [--database postgres://...] [--replace]`
 *
 * Generates a realistic deal data set from the real data set's distributions into a PostgreSQL
 * database (default: BENCH_DATABASE_URL, or pw_metrics_bench on the local server, created if
 * missing). The org tree, accounts and products are the demo's; every generated deal is drawn
 * from the 8,800 real opportunities (bootstrap sampling: the agent, so agents per team and their
 * share of deals; the product and its list price; the account; the stage, so the stage mix; the
 * engage -> close cycle), with closed deals moved back by 0-4 whole years and 0-30 days and
 * realised values jittered by +-10%, and open deals by 0-30 days. Deals are written by
 * insert-select in SQL (100,000 per statement), each with its stage history (prospecting,
 * engaging, won or lost stays) in the same statement, pinned to the published new-business
 * process. Audit events are not generated (no metric or board query reads them).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { demoOrg, slug, writeOrg } from '../src/demo/org';
import { importCsv } from '../src/import/importer';
import { createPlatform, type Platform } from '../src/platform';
import { publishDemoProcess } from '../src/demo/history';
import { compactStageCounts } from '../src/records/stage-column';

const DEMO = fileURLToPath(new URL('../demo/', import.meta.url));
const DATA = `${DEMO}crm-sales-opportunities/`;
const BATCH = 100_000;
const read = (f: string) => readFileSync(f, 'utf8');

/** The generator's database: --database, BENCH_DATABASE_URL, or pw_metrics_bench on the local server. */
export async function benchDatabaseUrl(explicit?: string): Promise<string> {
  const url = explicit ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pw_metrics_bench';
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid database name "${name}"`);
    await client.query(`create database ${name}`);
  }
  await client.end();
  return url;
}

/** Opens the platform on the database (migrations, indexes), without demo, workers or HTTP. */
export function openPlatform(url: string): Promise<Platform> {
  return createPlatform(loadConfig({ DATABASE_URL: url, PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_DB_POOL: '4' }));
}

async function ensureReferenceData(platform: Platform): Promise<void> {
  const db = platform.database.db;
  const units = await db.selectFrom('org_units').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  if (units.n > 0) return;
  await writeOrg(db, demoOrg(read(`${DATA}sales_teams.csv`)));
  for (const [file, mapping] of [['accounts.csv', 'accounts.mapping.json'], ['products.csv', 'products.mapping.json']] as const) {
    const report = await importCsv(db, platform.registry, read(DATA + file), JSON.parse(read(DEMO + mapping)), { actor: { id: 'system:gen' }, fileName: file });
    if (report.status !== 'completed') throw new Error(`importing ${file} failed`);
  }
  await publishDemoProcess(platform.processes);
}

/** The real opportunities as sampling templates, with ids resolved in the database. */
async function loadTemplates(platform: Platform): Promise<number> {
  const db = platform.database.db;
  const ids = async (type: string) => new Map((await db.selectFrom('records').select(['id', sql<string>`data->>'name'`.as('name')]).where('type', '=', type).execute()).map((r) => [r.name, r.id]));
  const products = await ids('pipeline.product');
  const accounts = await ids('crm.account');
  const prices = new Map(read(`${DATA}products.csv`).trim().split(/\r?\n/).slice(1).map((l) => l.split(',')).map(([p, , price]) => [p as string, Number(price)]));
  const teams = new Map(read(`${DATA}sales_teams.csv`).trim().split(/\r?\n/).slice(1).map((l) => l.split(',')).map(([agent, manager]) => [agent as string, `team-${slug(manager as string)}`]));
  const lines = read(`${DATA}sales_pipeline.csv`).trim().split(/\r?\n/).slice(1);
  await sql`drop table if exists gen_template`.execute(db);
  await sql`create unlogged table gen_template (n int primary key, owner_id text, team_id text, product_id text, account_id text, name text, stage text, engage date, cycle int, close_value numeric, list_price numeric)`.execute(db);
  const rows = lines.map((l, n) => {
    const [, agent = '', productRaw = '', account = '', stage = '', engage = '', close = '', value = ''] = l.split(',');
    const product = productRaw === 'GTXPro' ? 'GTX Pro' : productRaw;
    const cycle = engage && close ? Math.round((Date.parse(close) - Date.parse(engage)) / 86_400_000) : null;
    return { n, owner_id: slug(agent), team_id: teams.get(agent) ?? null, product_id: products.get(product) ?? null, account_id: accounts.get(account) ?? null, name: `${account || 'No account'} · ${product}`, stage: stage.toLowerCase(), engage: engage || null, cycle, close_value: value === '' ? null : Number(value), list_price: prices.get(product) ?? null };
  });
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await sql`insert into gen_template values ${sql.join(chunk.map((r) => sql`(${r.n}, ${r.owner_id}, ${r.team_id}, ${r.product_id}, ${r.account_id}, ${r.name}, ${r.stage}, ${r.engage}::date, ${r.cycle}, ${r.close_value}, ${r.list_price})`))}`.execute(db);
  }
  return rows.length;
}

/** Writes deals [first, last] (one statement: records and their stays). */
async function generateBatch(platform: Platform, first: number, last: number, templates: number, version: number): Promise<void> {
  // h.* are independent pseudo-random draws from the sequence number (hashint4 of salted g).
  await sql`
    with picked as (
      select g, t.*, case when t.stage in ('won', 'lost') then -(365 * h.years + h.jitter) else -h.jitter end as shift, h.prospect_days, h.u, h.spread
      from generate_series(${first}::int, ${last}::int) g
      cross join lateral (select (hashint4(g) & 2147483647) % ${templates} as pick, (hashint4(g # 1234567) & 2147483647) % 5 as years,
        (hashint4(g # 7654321) & 2147483647) % 31 as jitter, 3 + (hashint4(g # 99991) & 2147483647) % 19 as prospect_days,
        (hashint4(g # 31337) & 2147483647) / 2147483647.0 as u, 5 + (hashint4(g # 4242) & 2147483647) % 56 as spread) h
      join gen_template t on t.n = h.pick
    ), dated as (
      select p.*, (p.engage + p.shift) as engaged, (p.engage + p.shift + p.cycle) as closed,
        ((coalesce(p.engage + p.shift - p.prospect_days, date '2017-12-31' - p.spread + p.shift))::timestamp + interval '9 hours') at time zone 'UTC' as created
      from picked p
    ), ins as (
      insert into records (id, type, owner_id, org_unit_id, stage, version, data, created_by, updated_by, created_at, updated_at, process_id, process_version)
      select gen_random_uuid(), 'pipeline.deal', d.owner_id, d.team_id, d.stage, 1,
        jsonb_strip_nulls(jsonb_build_object('name', d.name, 'external_id', 'G' || d.g, 'account_id', d.account_id, 'product_id', d.product_id,
          'amount', jsonb_build_object('amount', d.list_price, 'currency', 'USD'),
          'engage_date', to_char(d.engaged, 'YYYY-MM-DD'),
          'close_date', case when d.stage in ('won', 'lost') then to_char(d.closed, 'YYYY-MM-DD') end,
          'close_value', case when d.stage in ('won', 'lost') then jsonb_build_object('amount', round(d.close_value * (0.9 + 0.2 * d.u)), 'currency', 'USD') end)),
        'system:gen', 'system:gen', d.created,
        coalesce((d.closed::timestamp + interval '9 hours') at time zone 'UTC', (d.engaged::timestamp + interval '9 hours') at time zone 'UTC', d.created),
        'new_business', ${version}
      from dated d
      returning id, stage, owner_id, org_unit_id, created_at, data->>'engage_date' as engage_date, data->>'close_date' as close_date
    ), at as (
      select i.id, i.stage, i.owner_id, i.org_unit_id, i.created_at,
        (i.engage_date::date::timestamp + interval '9 hours') at time zone 'UTC' as engaged_at,
        (i.close_date::date::timestamp + interval '9 hours') at time zone 'UTC' as closed_at
      from ins i
    )
    insert into stage_history (record_id, record_type, process_id, process_version, stage, from_stage, transition_id, entered_at, entered_by, exited_at, exited_by, due_at, snapshot, owner_id, org_unit_id)
    select a.id, 'pipeline.deal', 'new_business', ${version}, s.stage, s.from_stage, s.transition_id, s.entered_at, 'system:gen', s.exited_at,
      case when s.exited_at is null then null else 'system:gen' end, s.due_at, '{}'::jsonb, coalesce(a.owner_id, ''), coalesce(a.org_unit_id, '')
    from at a cross join lateral (values
      ('prospecting', null, null, a.created_at, a.engaged_at, a.created_at + interval '30 days'),
      ('engaging', 'prospecting', 'qualify', a.engaged_at, a.closed_at, a.engaged_at + interval '45 days'),
      (a.stage, 'engaging', case when a.stage = 'lost' then 'lose' end, a.closed_at, null::timestamptz, null::timestamptz)
    ) as s(stage, from_stage, transition_id, entered_at, exited_at, due_at)
    where s.entered_at is not null and (s.stage <> 'engaging' or a.engaged_at is not null) and (s.from_stage is distinct from 'engaging' or a.stage in ('won', 'lost'))`.execute(platform.database.db);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { deals: { type: 'string', default: '1000000' }, database: { type: 'string' }, replace: { type: 'boolean', default: false } } });
  const deals = Number(values.deals);
  if (!Number.isInteger(deals) || deals < 1) throw new Error('--deals must be a positive integer');
  const url = await benchDatabaseUrl(values.database);
  const log = (l: string) => console.log(l);
  const platform = await openPlatform(url);
  try {
    const db = platform.database.db;
    await ensureReferenceData(platform);
    const existing = await db.selectFrom('records').select(sql<number>`count(*)::int`.as('n')).where('type', '=', 'pipeline.deal').executeTakeFirstOrThrow();
    if (existing.n > 0 && !values.replace) throw new Error(`${url} already holds ${existing.n} deals; pass --replace to generate anew`);
    if (existing.n > 0) {
      await sql`delete from stage_history where record_type = 'pipeline.deal'`.execute(db);
      await sql`delete from records where type = 'pipeline.deal'`.execute(db);
    }
    const version = (await platform.processes.definitions.latest({ process: 'new_business', entity: 'pipeline.deal' }))?.version ?? 1;
    const templates = await loadTemplates(platform);
    const started = Date.now();
    for (let first = 1; first <= deals; first += BATCH) {
      const last = Math.min(deals, first + BATCH - 1);
      await generateBatch(platform, first, last, templates, version);
      log(`gen: ${last}/${deals} deals (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    await sql`drop table gen_template`.execute(db);
    // The board's counters: fold the deltas the records trigger appended for every new deal.
    await compactStageCounts(db);
    await sql`vacuum analyze records`.execute(db);
    await sql`vacuum analyze stage_history`.execute(db);
    // Compaction deleted a million delta rows: until a vacuum truncates the empty pages, every
    // board column total seq-scans them (measured: 82 MB, 150-250 ms per count instead of ~5 ms).
    await sql`vacuum analyze stage_count_deltas`.execute(db);
    await sql`vacuum analyze stage_counts`.execute(db);
    const stays = await db.selectFrom('stage_history').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    log(JSON.stringify({ gen: 'deals', deals, stays: stays.n, seconds: Math.round((Date.now() - started) / 1000), database: new URL(url).pathname.slice(1) }));
  } finally {
    await platform.close();
  }
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
