import type { Ajv2020 } from 'ajv/dist/2020.js';
import { ValidationError, isPipewrightError, type ErrorDetail } from '../errors';
import { checkRule } from '../rules/check';
import type { OperatorRegistry } from '../rules/operators/registry';
import type { JsonSchema } from '../rules/types';
import { ajvDetails, createAjv } from '../validation/ajv';
import type { DashboardDocument } from './types';

const SCHEMA = 'https://pipewright.dev/schemas/dashboard.schema.json';
const COLUMNS = 12;

/** What a dashboard is checked against: the loaded metrics and, for where-rules, operators and entity schemas. */
export interface DashboardContext {
  /**
   * Metrics by full id; `dimensions` and `grains`, when known (the metric layer knows them),
   * list what the metric may be grouped by and the grains it has (none: no time field).
   */
  metrics: ReadonlyMap<string, { entity: string; dimensions?: readonly string[]; grains?: readonly string[] }>;
  operators?: OperatorRegistry;
  entitySchema?: (entity: string) => JsonSchema | undefined;
}

let shared: Ajv2020 | undefined;

/**
 * Checks a dashboard document: the schema (kinds and their query shapes, titles in en and
 * zh-CN, grid bounds), then what a schema cannot say: unique widget ids, widgets inside the 12
 * columns and not overlapping, known metrics and dimensions, where-rules the rule checker
 * accepts for the metric's entity, a range that does not end before it starts. Every problem
 * has a JSON pointer into the document.
 *
 * @example
 * ```ts
 * const { dashboard, problems } = checkDashboard(doc, { metrics: registry.metrics });
 * if (!dashboard) show(problems); // [{ pointer: '/widgets/2/query/metrics/0', message: 'is not a known metric' }]
 * ```
 */
export function checkDashboard(doc: unknown, ctx: DashboardContext, ajv?: Ajv2020): { dashboard: DashboardDocument | null; problems: ErrorDetail[] } {
  const validator = ajv ?? (shared ??= createAjv());
  const validate = validator.getSchema(SCHEMA);
  if (!validate) throw new Error('dashboard schema is not loaded');
  if (!validate(doc)) return { dashboard: null, problems: ajvDetails(validate.errors) };
  const d = doc as DashboardDocument;
  const problems: ErrorDetail[] = [];
  const add = (pointer: string, message: string, code: string, params?: Record<string, unknown>) => problems.push({ pointer, message, code, ...(params ? { params } : {}) });

  if (d.range && 'from' in d.range && d.range.from > d.range.to) add('/range/to', `must not be before "from" (${d.range.from})`, 'range');
  const ids = new Set<string>();
  d.widgets.forEach((w, i) => {
    const at = `/widgets/${i}`;
    if (ids.has(w.id)) add(`${at}/id`, `"${w.id}" is used by another widget`, 'duplicate');
    ids.add(w.id);
    if (w.layout.x + w.layout.w > COLUMNS) add(`${at}/layout/w`, `the widget ends at column ${w.layout.x + w.layout.w}, past the grid's ${COLUMNS}`, 'layout', { columns: COLUMNS });
    const overlapped = d.widgets.findIndex((o, j) => j < i && overlaps(o.layout, w.layout));
    if (overlapped >= 0) add(`${at}/layout`, `overlaps widget "${d.widgets[overlapped]?.id}"`, 'layout-overlap');
    const entities = new Set<string>();
    w.query.metrics.forEach((id, j) => {
      const metric = ctx.metrics.get(id);
      if (!metric) return add(`${at}/query/metrics/${j}`, `"${id}" is not a known metric`, 'unknown-metric');
      entities.add(metric.entity);
      if (w.query.grain && metric.grains && !metric.grains.includes(w.query.grain)) add(`${at}/query/grain`, `metric "${id}" cannot be split by ${w.query.grain}${metric.grains.length ? '' : ' (it has no time field)'}`, 'unknown-grain', { allowed: metric.grains });
      (w.query.groupBy ?? []).forEach((dim, k) => {
        if (metric.dimensions && !metric.dimensions.includes(dim)) add(`${at}/query/groupBy/${k}`, `metric "${id}" cannot be grouped by "${dim}"`, 'unknown-dimension', { allowed: metric.dimensions });
      });
    });
    if (w.query.where !== undefined) {
      const [entity] = entities;
      const schema = entity && entities.size === 1 ? ctx.entitySchema?.(entity) : undefined;
      try {
        checkRule(w.query.where, { ...(ctx.operators ? { operators: ctx.operators } : {}), ...(schema ? { schema } : {}) });
      } catch (err) {
        if (!isPipewrightError(err)) throw err;
        const details = err.details.length ? err.details : [{ pointer: err.pointer ?? '', message: err.message, code: err.code }];
        for (const p of details) add(`${at}/query/where${p.pointer}`, p.message, p.code ?? 'rule');
      }
    }
  });
  return problems.length ? { dashboard: null, problems: dedupe(problems) } : { dashboard: d, problems: [] };
}

/**
 * Like {@link checkDashboard}, but throws a 422 {@link ValidationError} listing the problems.
 *
 * @example
 * ```ts
 * const dashboard = assertDashboard(await readJsonObject(c), context);
 * ```
 */
export function assertDashboard(doc: unknown, ctx: DashboardContext, ajv?: Ajv2020): DashboardDocument {
  const { dashboard, problems } = checkDashboard(doc, ctx, ajv);
  if (dashboard) return dashboard;
  const first = problems[0];
  throw new ValidationError({
    code: 'dashboard.invalid',
    message: `The dashboard is invalid: ${problems.slice(0, 5).map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}.`,
    details: problems,
    ...(first ? { pointer: first.pointer } : {}),
  });
}

function overlaps(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function dedupe(problems: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
