import type { PluginRecord, PluginRoute, RouteContext } from '@pipewright/plugin-sdk';
import { parse } from 'csv-parse/sync';
import { mayEdit, scopeProblems } from './access';
import { listAll } from './compute';
import { TARGET, targetScopes } from './targets';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;
const METRIC = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
const MAX_ROWS = 5000;

/** A problem of one cell of the file: the column, a stable code (the studio words it per language) and an English message. */
export interface UploadProblem {
  column: string;
  code: 'bad-period' | 'bad-value' | 'no-scope' | 'unknown-scope' | 'out-of-reach' | 'unknown-metric' | 'duplicate';
  message: string;
  /** For duplicates: the line of the first row with the same metric, period and scope. */
  other?: number;
}

/** One data row of the file as it would be written. */
export interface UploadRow {
  /** Line in the file (the header is line 1). */
  line: number;
  metric: string;
  period: string;
  scope: string;
  value: number | null;
  /** The value of the target it replaces; null for a new one. */
  existing: number | null;
  problems: UploadProblem[];
}

const userError = (status: number, code: string, message: string, details: { pointer: string; message: string; code?: string }[]) => Object.assign(new Error(message), { code, kind: 'user', status, details, extensions: {} });

/** Reads and checks every row of an uploaded target file, as the caller would write it. */
export async function checkUpload(ctx: RouteContext, csv: string, defaultMetric: string): Promise<{ rows: UploadRow[]; records: Map<string, PluginRecord> }> {
  let table: Record<string, string>[];
  try {
    table = parse(csv, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    throw userError(422, 'okr.upload-unreadable', 'The file is not readable as CSV.', [{ pointer: '/csv', message: err instanceof Error ? err.message : 'not CSV' }]);
  }
  const header = csv.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]?.split(',').map((c) => c.trim().toLowerCase()) ?? [];
  const missing = ['period', 'value'].filter((c) => !header.includes(c));
  if (!header.includes('scope_unit') && !header.includes('scope_user')) missing.push('scope_unit|scope_user');
  if (missing.length > 0) throw userError(422, 'okr.upload-columns', `The file lacks the column(s) ${missing.join(', ')}.`, missing.map((c) => ({ pointer: '/csv', message: `missing column "${c}"`, code: 'missing-column' })));
  if (table.length > MAX_ROWS) throw userError(422, 'okr.upload-too-long', `At most ${MAX_ROWS} rows per file.`, [{ pointer: '/csv', message: `${table.length} rows` }]);

  const scopes = new Set((await targetScopes(ctx)).map((s) => s.scope));
  const metricOk = new Map<string, boolean>();
  const existing = new Map<string, PluginRecord>();
  const seen = new Map<string, number>();
  const periodsRead = new Set<string>();
  const rows: UploadRow[] = [];
  for (const [i, r] of table.entries()) {
    const line = i + 2;
    const problems: UploadProblem[] = [];
    const metric = r.metric || defaultMetric;
    if (!metricOk.has(metric)) {
      let ok = METRIC.test(metric);
      if (ok) ok = await ctx.metrics.query({ metrics: [metric] }).then(() => true, () => false);
      metricOk.set(metric, ok);
    }
    if (!metricOk.get(metric)) problems.push({ column: 'metric', code: 'unknown-metric', message: `"${metric}" is not a metric of the metric layer` });
    const period = r.period ?? '';
    if (PERIOD.test(period) && !periodsRead.has(period)) {
      periodsRead.add(period);
      for (const t of await listAll(ctx, TARGET, { period })) existing.set(String(t.data.key), t);
    }
    if (!PERIOD.test(period)) problems.push({ column: 'period', code: 'bad-period', message: `"${period}" is not a month (2017-07) or a quarter (2017-Q3)` });
    const raw = (r.value ?? '').replace(/,/g, '');
    const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : null;
    if (value === null) problems.push({ column: 'value', code: 'bad-value', message: `"${r.value ?? ''}" is not a number of at least 0` });
    const unit = r.scope_unit || null;
    const user = r.scope_user || null;
    const column = user ? 'scope_user' : 'scope_unit';
    const scope = user ? `user:${user}` : unit ? `unit:${unit}` : '';
    if (!unit && !user) problems.push({ column: 'scope_unit', code: 'no-scope', message: 'names neither an org unit (scope_unit) nor a person (scope_user)' });
    else if (unit && user) problems.push({ column: 'scope_user', code: 'no-scope', message: 'names both an org unit and a person' });
    else if (!scopes.has(scope)) problems.push({ column, code: 'unknown-scope', message: `no office, team or rep "${user ?? unit ?? ''}"` });
    else if ((await scopeProblems(user ? { scope_user: user } : { scope_unit: unit }, ctx)).length > 0) problems.push({ column, code: 'out-of-reach', message: 'outside the units and people you set targets for' });
    const key = `${metric}|${period}|${scope}`;
    const first = seen.get(key);
    if (first !== undefined && scope) problems.push({ column, code: 'duplicate', message: `the same metric, period and scope as line ${first}`, other: first });
    else seen.set(key, line);
    const old = existing.get(key);
    if (old && problems.length === 0 && !(await mayEdit(old, ctx.caller, ctx))) problems.push({ column, code: 'out-of-reach', message: 'the target it would replace is not yours to change' });
    rows.push({ line, metric, period, scope, value, existing: old && typeof old.data.value === 'number' ? old.data.value : null, problems });
  }
  return { rows, records: existing };
}

/**
 * `POST /api/plugins/okr/targets/upload`: a CSV of targets checked row by row (`commit: false`,
 * the preview: each row as it would be written and its problems naming the column), or written
 * (`commit: true`): every row created or replacing the target of its metric, period and scope,
 * all in the route's one transaction, and only when no row has a problem (else 422 naming each
 * line and column).
 */
export function uploadRoute(): PluginRoute {
  return {
    method: 'post',
    path: '/targets/upload',
    summary: 'Checks (commit false) or imports (commit true, all rows or none) a CSV of sales targets: period, value, scope_unit or scope_user, optional metric',
    roles: ['admin', 'manager'],
    body: {
      type: 'object',
      required: ['csv', 'commit'],
      additionalProperties: false,
      properties: {
        csv: { type: 'string', maxLength: 2_000_000 },
        metric: { type: 'string', pattern: METRIC.source, description: 'Metric of rows without a metric column value (default pipeline.won_value).' },
        commit: { type: 'boolean' },
      },
    },
    response: {
      type: 'object',
      required: ['rows', 'created', 'updated'],
      properties: {
        rows: { type: 'array', items: { type: 'object', required: ['line', 'metric', 'period', 'scope', 'value', 'existing', 'problems'], properties: { line: { type: 'integer' }, metric: { type: 'string' }, period: { type: 'string' }, scope: { type: 'string' }, value: { type: ['number', 'null'] }, existing: { type: ['number', 'null'] }, problems: { type: 'array', items: { type: 'object', required: ['column', 'code', 'message'], properties: { column: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, other: { type: 'integer' } } } } } } },
        created: { type: 'integer' },
        updated: { type: 'integer' },
      },
    },
    async handler(ctx) {
      const body = ctx.body as { csv: string; metric?: string; commit: boolean };
      const { rows, records } = await checkUpload(ctx, body.csv, body.metric ?? 'pipeline.won_value');
      if (!body.commit) return { rows, created: 0, updated: 0 };
      const bad = rows.flatMap((r) => r.problems.map((p) => ({ pointer: `/csv/${r.line}/${p.column}`, message: `line ${r.line}, column ${p.column}: ${p.message}`, code: p.code })));
      if (bad.length > 0) throw userError(422, 'okr.upload-rejected', `${rows.filter((r) => r.problems.length > 0).length} of ${rows.length} rows cannot be imported; nothing was written.`, bad.slice(0, 1000));
      let created = 0;
      let updated = 0;
      for (const r of rows) {
        const old = records.get(`${r.metric}|${r.period}|${r.scope}`);
        if (old) {
          await ctx.records.update(TARGET, old.id, { data: { value: r.value } }, { expectedVersion: old.version });
          updated++;
        } else {
          await ctx.records.create(TARGET, { data: { metric: r.metric, period: r.period, ...(r.scope.startsWith('user:') ? { scope_user: r.scope.slice(5) } : { scope_unit: r.scope.slice(5) }), value: r.value } });
          created++;
        }
      }
      return { rows, created, updated };
    },
  };
}
