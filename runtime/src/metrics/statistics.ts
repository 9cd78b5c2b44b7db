import { createHash } from 'node:crypto';
import { metricDimensionFields, type Registry } from '@pipewright/core';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/tables';

/**
 * Creates expression statistics for what metric queries group by: the body fields metrics split
 * by (`data->>'source'`) and the period keys of date time fields (`data->>'close_date'` and its
 * month, `left(data->>'close_date', 7)`). Without them PostgreSQL assumes such an expression has
 * as many values as there are rows, and plans a sort of every record instead of a small hash
 * table (ADR 008). Idempotent; ANALYZE (or autovacuum) fills them.
 *
 * @example
 * ```ts
 * await ensureMetricStatistics(db, registry);
 * ```
 */
export async function ensureMetricStatistics(db: Kysely<Database>, registry: Registry): Promise<number> {
  const wanted = new Map<string, RawBuilder<unknown>>();
  const text = (f: string) => sql`(data->>${sql.lit(f)})`;
  for (const m of registry.metrics.values()) {
    if ('ratio' in m.measure) continue;
    const entity = registry.entity(m.entity);
    for (const f of metricDimensionFields(m, entity)) wanted.set(`${f}`, text(f));
    if (m.time && entity.fields.get(m.time)?.format === 'date') {
      wanted.set(m.time, text(m.time));
      wanted.set(`${m.time}/month`, sql`left(${text(m.time)}, 7)`);
    }
  }
  for (const [key, expr] of wanted) {
    const name = sql.id(`mx_${key.replace(/[^a-z0-9_]/g, '_').slice(0, 40)}_${createHash('sha256').update(key).digest('hex').slice(0, 8)}`);
    await sql`create statistics if not exists ${name} on (${expr}) from records`.execute(db);
  }
  return wanted.size;
}
