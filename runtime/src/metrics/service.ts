import { ValidationError, type Registry } from '@pipewright/core';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/tables';
import type { AccessPolicy } from '../records/access';
import type { RecordView } from '../records/view';
import { MetricCatalog, type MetricInfo } from './catalog';
import { MetricExpressions } from './expressions';
import { funnel, type FunnelResult } from './funnel';
import { metricRecords } from './records';
import { resolveQuery, type MetricQuery, type MetricRecordsQuery } from './request';
import { metricStatement } from './statement';

/** One row of a metric query: dimension values (`office`, `office_id`, `quarter`...) and one value per metric id. */
export type MetricRow = Record<string, string | number | null>;

/** The answer of a metric query. */
export interface MetricResult {
  rows: MetricRow[];
  /** When the figures were read (ISO 8601). */
  asOf: string;
}

/** A page of the records behind a figure. */
export interface MetricRecordsPage {
  items: RecordView[];
  nextCursor: string | null;
}

export interface MetricServiceOptions {
  db: Kysely<Database>;
  registry: Registry;
  access: AccessPolicy;
  /** IANA time zone periods are cut in (default UTC). */
  timeZone?: string;
  now?: () => Date;
}

/** Most rows one query may answer; more is a 422 asking for a narrower query. */
export const MAX_ROWS = 10_000;

/**
 * The platform's metric engine: computes the metrics plugins declare, in SQL (one statement per
 * query), split by org level, owner, stage, process, enum and reference fields and time grains,
 * over the records the principal may see. Dashboards, OKR key results, scorecards and forecasts
 * read their numbers from here.
 *
 * @example
 * ```ts
 * const metrics = new MetricService({ db, registry, access: store.access });
 * const { rows } = await metrics.query(principal, { metrics: ['pipeline.won_value'], groupBy: ['office'], grain: 'quarter' });
 * ```
 */
export class MetricService {
  readonly catalog: MetricCatalog;
  readonly timeZone: string;
  readonly #x: MetricExpressions;
  readonly #now: () => Date;

  constructor(readonly options: MetricServiceOptions) {
    this.catalog = new MetricCatalog(options.registry);
    this.timeZone = options.timeZone ?? 'UTC';
    this.#now = options.now ?? (() => new Date());
    this.#x = new MetricExpressions(options.registry, this.timeZone, this.#now);
  }

  /** The principal's read condition per entity (audience fields are per entity). */
  #visibleFor(principal: Principal): (entity: string) => ReturnType<AccessPolicy['read']> {
    return (entity) => this.options.access.read(principal, entity);
  }

  /** Every metric with its labels, unit, time field, grains and dimensions. */
  list(): MetricInfo[] {
    return this.catalog.list();
  }

  /** Computes metrics; a bad query is a 422 naming each offending member by JSON pointer. */
  async query(principal: Principal, request: MetricQuery | Record<string, unknown>): Promise<MetricResult> {
    const body = request as Record<string, unknown>;
    const q = resolveQuery(this.catalog, this.options.registry, body, ['metrics'], { pointer: '/metrics', ids: body.metrics });
    const asOf = this.#now().toISOString();
    const { statement, shape } = metricStatement(q, this.#x, this.options.registry, this.#visibleFor(principal), MAX_ROWS + 1);
    const { rows } = await statement.execute(this.options.db);
    if (rows.length > MAX_ROWS) {
      throw new ValidationError({ code: 'metrics.too-many-rows', message: `The query answers more than ${MAX_ROWS} rows; group by fewer dimensions, a coarser grain or a shorter period.`, details: [{ pointer: '/groupBy', message: `more than ${MAX_ROWS} rows`, code: 'too-many-rows' }] });
    }
    const out = rows.map((r) => {
      const row: MetricRow = {};
      for (const d of shape.dimensions) {
        if (d.name) {
          row[d.dimension.name] = (r[d.name] as string | null) ?? null;
          row[`${d.dimension.name}_id`] = (r[d.id] as string | null) ?? null;
        } else row[d.dimension.name] = (r[d.id] as string | null) ?? null;
      }
      if (shape.bucket && q.grain) row[q.grain] = (r[shape.bucket] as string | null) ?? null;
      for (const m of shape.metrics) {
        const v = r[m.alias];
        row[m.id] = v === null || v === undefined ? null : Number(v);
      }
      return row;
    });
    return { rows: out, asOf };
  }

  /** Stage conversion of one process from stage history, split by dimensions and entry period (see {@link funnel}). */
  async funnel(principal: Principal, request: Record<string, unknown>): Promise<FunnelResult> {
    return funnel(this.catalog, this.#x, this.options.db, this.#visibleFor(principal), request, this.#now());
  }

  /** The records behind one figure (same rule, same visibility), newest first, paged. */
  async records(principal: Principal, request: MetricRecordsQuery | Record<string, unknown>): Promise<MetricRecordsPage> {
    return metricRecords(this.catalog, this.#x, this.options.db, this.#visibleFor(principal), request as Record<string, unknown>);
  }
}
