import type pg from 'pg';
import { DEDUPE, isSame, keysOf } from '../src/runtime/dedupe';
import { gradeOf } from '../src/runtime/grading';

/**
 * `npm run bench:api`'s like-for-like baseline of an account create (ADR 007, addendum 5): loaded
 * by `runtime/bench/baseline-server.ts` (`BENCH_BASELINE_HOOK=plugins/crm/bench/baseline-dedupe.ts`),
 * it does by hand what crm's hooks do to an account and its duplicate check's SQL, and nothing
 * more: the normalised name key and the file rule's grade into the body (crm's own functions);
 * in the transaction plain index scans off and the same trigram search the platform's
 * `records.similar` runs (pg_trgm's default threshold 0.3, prepared once per connection);
 * a look-alike (crm's `isSame`) or an equal name refused with 409 `crm.duplicate`, as the `warn`
 * policy refuses a write without confirmation. Not done: the active grading rule's lookup, the
 * restore of the settings (the baseline owns its transaction), hooks, sign-in.
 */
const searches = new Map<string, string>();

const hook = {
  async before(client: pg.PoolClient, type: string, data: Record<string, unknown>): Promise<{ data: Record<string, unknown> } | { status: number; problem: unknown }> {
    const matching = DEDUPE.entities[type];
    const key = matching?.keys[0];
    if (!matching || !key || matching.keys.length !== 1 || key.match !== 'similar') throw new Error(`baseline-dedupe: ${type} has no single similar key in dedupe.json`);
    const value = keysOf(matching, data)[key.field] ?? '';
    const out: Record<string, unknown> = { ...data };
    if (value === '') delete out[key.field];
    else out[key.field] = value;
    const grade = gradeOf(out);
    if (grade === null) delete out.grade;
    else out.grade = grade;
    out.grade_source = 'rule';
    if (value === '') return { data: out };
    let text = searches.get(type);
    if (!text) {
      // The type and field come from dedupe.json (entity and field ids), as the platform writes them into its statement.
      text = `select *, public.similarity((data->>'${key.field}'), $1) as similarity from records where records.type = '${type}' and deleted_at is null and (data->>'${key.field}') operator(public.%) $1 order by similarity desc, id limit 10`;
      searches.set(type, text);
    }
    await client.query(`select set_config('enable_indexscan', 'off', true)`);
    const hits = await client.query<{ id: string; similarity: number; data: Record<string, unknown> }>({ name: `baseline_dedupe_${type}`, text, values: [value] });
    const same = hits.rows.filter((h) => isSame(key, value, String(h.data[key.field] ?? ''), Number(h.similarity)) || h.data.name === out.name);
    if (same.length > 0) return { status: 409, problem: { code: 'crm.duplicate', title: 'looks like an existing record', candidates: same.map((h) => h.id) } };
    return { data: out };
  },
};
export default hook;
