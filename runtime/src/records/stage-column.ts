import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { isUnrestricted, type Principal } from '../auth/principal';
import type { Database, RecordTable } from '../db/tables';
import type { AccessPolicy, ReadKeys } from './access';
import { encodeCursor, filterCondition, type ListQuery } from './query';
import { toView, type RecordView } from './view';

type Sql = RawBuilder<unknown>;

/** The sort key of a board column: when the record entered its current stage. */
export const STAGE_ENTRY_SORT = 'enteredStageAt';

/**
 * The records of one stage, most recently entered first (a board column), driven by the open
 * stays' indexes so a page reads about `limit` rows however large the stage: `stage_history_open`
 * for admins (and principals a visibility hook widens), the per-owner and per-unit ones for
 * everyone else (see `pageByKeys`); the total comes from `stage_counts` when the filters are owner and org unit only and
 * the principal's visibility is expressible on them, else from a scan. ADR 008.
 *
 * @example
 * ```ts
 * await listStageColumn(db, access, 'acme.ticket', 'won', query, principal);
 * ```
 */
export async function listStageColumn(db: Kysely<Database>, access: AccessPolicy, type: string, stage: string, query: ListQuery, p: Principal): Promise<{ items: RecordView[]; nextCursor: string | null; total?: number }> {
  const visible = access.read(p, type);
  const conditions: Sql[] = [sql`records.type = ${type}`, sql`records.stage = ${stage}`];
  if (!query.includeDeleted) conditions.push(sql`records.deleted_at is null`);
  if (visible) conditions.push(visible);
  for (const f of query.filters) conditions.push(filterCondition(f));
  if (query.search) throw new Error('search is not combined with the stage column sort');
  const where = sql.join(conditions, sql` and `);
  const cursor = query.cursor;
  const after = cursor ? sql` and (h.entered_at < ${cursor[0]}::timestamptz or (h.entered_at = ${cursor[0]}::timestamptz and h.record_id > ${cursor[1]}::uuid))` : sql``;
  const keys = access.widened(p, type) ? null : access.readKeys(p);
  const { rows } = keys
    ? await sql<Selectable<RecordTable> & { entered_stage_at: Date }>`
      select records.*, t.entered_at as entered_stage_at from (${pageByKeys(keys, type, stage, where, after, query.limit + 1)}) t join records on records.id = t.record_id
      order by t.entered_at desc, t.record_id asc`.execute(db)
    : await sql<Selectable<RecordTable> & { entered_stage_at: Date }>`
      select records.*, t.entered_at as entered_stage_at from (${perKey(sql`values (${stage}::text)`, branch(type, stage, where, after, query.limit + 1), sql`s.stage = k.key`)}) t join records on records.id = t.record_id
      order by t.entered_at desc, t.record_id asc`.execute(db);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > query.limit && last ? encodeCursor(query.sort, [new Date(last.entered_stage_at).toISOString(), last.id]) : null;
  let total: number | undefined;
  if (query.withTotal) total = countable(query, access, p, type) ? await countFromCounters(db, access, type, stage, query, p).finally(() => compactWhenLarge(db)) : Number((await sql<{ n: string }>`select count(*) as n from ${openStays(type, stage)} join records on records.id = h.record_id where ${where}`.execute(db)).rows[0]?.n ?? 0);
  return { items: items.map(({ entered_stage_at: _e, ...row }) => toView(row)), nextCursor, ...(total === undefined ? {} : { total }) };
}

/** The open stays of a stage, exposing only record_id and entered_at (so the records filters' unqualified columns stay unambiguous). */
const openStays = (type: string, stage: string, key: Sql = sql`true`, fence = false) => sql`(select s.record_id, s.entered_at from stage_history s where s.record_type = ${type} and s.stage = ${stage} and s.exited_at is null and ${key}${fence ? sql` offset 0` : sql``}) as h`;

/** One branch of a page: the open stays matching `key`, the full condition applied to their records, newest first, cut at `limit`. */
const branch = (type: string, stage: string, where: Sql, after: Sql, limit: number) => (key: Sql, fence = false) => sql`select h.record_id, h.entered_at from ${openStays(type, stage, key, fence)} join records on records.id = h.record_id
    where ${where}${after} order by h.entered_at desc, h.record_id asc limit ${limit}`;

/**
 * A branch read once per key of `keyList` (a query or VALUES list of one text column), as a
 * lateral join whose key condition (`k.key`) parameterises the branch's index scan. The key list
 * is fenced (`offset 0`) so this holds for one key too (a rep's own id, a team manager's one
 * unit, the admin's stage): PostgreSQL pulls a one-row key list up into a constant, and the
 * branch, no longer lateral, was then planned as a parallel Gather Merge (its filter on the
 * record's stage and visibility estimated, independently of the stay's stage, to keep few of
 * the stays), whose worker start-up alone took 70-135 ms of a column that reads 51 index
 * entries in 2-4 ms. A scan parameterised by an outer key is never parallel. ADR 008, decision 14.
 */
const perKey = (keyList: Sql, read: ReturnType<typeof branch>, key: Sql) => sql`select b.* from (select l.key from (${keyList}) l(key) offset 0) k cross join lateral (${read(key)}) b`;

/**
 * A restricted principal's page, as the union of one index-ordered branch per key through which
 * the access policy admits records (each owner, each org unit of a manager's subtree, records
 * with neither, records shared with him), each read from the open stays' copies of owner and
 * org unit (`stage_history_open_owner`, `stage_history_open_unit`) and cut at `limit` after the
 * full condition (visibility and filters) is applied to the record. Every visible record
 * matches some key, so the first `limit` of the union are the first `limit` of the column.
 * Selects `record_id` and `entered_at`, newest first.
 */
function pageByKeys(keys: ReadKeys, type: string, stage: string, where: Sql, after: Sql, limit: number): Sql {
  const read = branch(type, stage, where, after, limit);
  // The small branches (no owner and no unit, '' in the copies; shares) are fenced (`offset 0`):
  // found through their own index, then sorted. Unfenced, PostgreSQL walked the stage's whole
  // open-stays index newest first looking for them (5 s for `won` at a million deals).
  const branches: Sql[] = [perKey(keys.owners, read, sql`s.owner_id = k.key`)];
  if (keys.units.length) branches.push(perKey(sql`values ${sql.join(keys.units.map((u) => sql`(${u}::text)`))}`, read, sql`s.org_unit_id = k.key`));
  if (keys.ownerless) branches.push(sql`(${read(sql`s.owner_id = '' and s.org_unit_id = ''`, true)})`);
  branches.push(sql`(${read(sql`s.record_id in (select rs.record_id from record_shares rs where rs.user_id = ${keys.sharedWith})`, true)})`);
  return sql`select u.record_id, u.entered_at from (${sql.join(branches, sql` union `)}) u order by u.entered_at desc, u.record_id asc limit ${limit}`;
}

/** Whether `stage_counts` answers the column's total exactly: owner/org-unit equality filters only, live records, no visibility hook. */
function countable(query: ListQuery, access: AccessPolicy, p: Principal, type: string): boolean {
  return !query.includeDeleted && !access.widened(p, type) && query.filters.every((f) => (f.target.name === 'stage' || f.target.name === 'owner' || f.target.name === 'orgUnit') && f.op === 'eq');
}

/**
 * The column's total from the counters: the access policy's own condition is evaluated on each
 * counter row (owner and org unit are all it reads besides shares), plus the records shared with
 * the principal that the counted rows do not already include.
 */
async function countFromCounters(db: Kysely<Database>, access: AccessPolicy, type: string, stage: string, query: ListQuery, p: Principal): Promise<number> {
  const keyFilters: Sql[] = [];
  const recordFilters: Sql[] = [];
  for (const f of query.filters) {
    if (f.target.name === 'owner') {
      keyFilters.push(sql`records.owner_id = ${f.values[0]}`);
      recordFilters.push(sql`r.owner_id = ${f.values[0]}`);
    }
    if (f.target.name === 'orgUnit') {
      keyFilters.push(sql`records.org_unit_id = ${f.values[0]}`);
      recordFilters.push(sql`r.org_unit_id = ${f.values[0]}`);
    }
  }
  const visible = access.read(p, type);
  // Compacted counters plus the deltas appended since, shaped like records (no id: the
  // policy's share clause matches none of them).
  const keys = sql`(
    select nullif(c.owner_id, '') as owner_id, nullif(c.org_unit_id, '') as org_unit_id, null::uuid as id, c.n from stage_counts c where c.record_type = ${type} and c.stage = ${stage}
    union all select nullif(d.new_owner_id, ''), nullif(d.new_org_unit_id, ''), null::uuid, 1 from stage_count_deltas d where d.record_type = ${type} and d.new_stage = ${stage}
    union all select nullif(d.old_owner_id, ''), nullif(d.old_org_unit_id, ''), null::uuid, -1 from stage_count_deltas d where d.record_type = ${type} and d.old_stage = ${stage}
  ) as records`;
  const counted = sql`select coalesce(sum(records.n), 0) as n from ${keys} where ${sql.join([sql`true`, ...(visible ? [visible] : []), ...keyFilters], sql` and `)}`;
  if (isUnrestricted(p) || !visible) return Number((await sql<{ n: string }>`${counted}`.execute(db)).rows[0]?.n ?? 0);
  const byKeys = sql`exists (select 1 from (select r.owner_id as owner_id, r.org_unit_id as org_unit_id, null::uuid as id) as records where ${visible})`;
  const { rows } = await sql<{ n: string }>`select (${counted}) + (
      select count(*) from records r join record_shares s on s.record_id = r.id
      where s.user_id = ${p.userId ?? ''} and r.type = ${type} and r.stage = ${stage} and r.deleted_at is null
        and not ${byKeys}${recordFilters.length ? sql` and ${sql.join(recordFilters, sql` and `)}` : sql``}) as n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Deltas beyond which a count compacts them (so counting stays a read of a few thousand rows). */
export const COMPACT_AFTER = 5_000;

let compacting: Promise<unknown> | null = null;

/** Compacts the stage counters when many deltas piled up (at most one compaction per process at a time). */
async function compactWhenLarge(db: Kysely<Database>): Promise<void> {
  if (compacting) return;
  compacting = (async () => {
    const { rows } = await sql<{ many: boolean }>`select count(*) > ${COMPACT_AFTER} as many from (select 1 from stage_count_deltas limit ${COMPACT_AFTER + 1}) d`.execute(db);
    if (rows[0]?.many) await compactStageCounts(db);
  })().finally(() => {
    compacting = null;
  });
  await compacting;
}

/**
 * Folds the appended deltas into `stage_counts` in one statement: the deleted deltas and the
 * counters they move commit together, and deltas written meanwhile stay for the next run, so a
 * count (counters plus deltas) is exact before, during and after. Returns the deltas folded.
 *
 * @example
 * ```ts
 * await compactStageCounts(db); // 1250
 * ```
 */
export async function compactStageCounts(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    with d as (delete from stage_count_deltas returning *),
    k as (
      select record_type, new_stage as stage, new_org_unit_id as org_unit_id, new_owner_id as owner_id, count(*) as n from d where new_stage is not null group by 1, 2, 3, 4
      union all
      select record_type, old_stage, old_org_unit_id, old_owner_id, -count(*) from d where old_stage is not null group by 1, 2, 3, 4
    ), s as (select record_type, stage, org_unit_id, owner_id, sum(n)::bigint as n from k group by 1, 2, 3, 4),
    up as (insert into stage_counts as c select * from s on conflict (record_type, stage, org_unit_id, owner_id) do update set n = c.n + excluded.n returning 1)
    select (select count(*) from d) as n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
