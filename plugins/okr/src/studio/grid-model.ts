/** One scope of the target grid (`GET /api/plugins/okr/targets/scopes`). */
export interface GridScope {
  scope: string;
  kind: 'company' | 'office' | 'team' | 'person';
  name: string;
  parent: string | null;
  depth: number;
}

/** A column of the grid: a month, or a quarter after its three months. */
export interface GridColumn {
  period: string;
  kind: 'month' | 'quarter';
  /** A quarter's months. */
  months: string[];
}

/** A target as the grid holds it. */
export interface GridTarget {
  id: string;
  version: number;
  scope: string;
  period: string;
  value: number;
  actual: number | null;
  attainment: number | null;
}

/** The bottom-up check of one cell: the sum of the scopes under it, and for a quarter of its months (only cells that have a value count). */
export interface CellCheck {
  children: { sum: number; count: number } | null;
  months: { sum: number; count: number } | null;
}

interface RecordLike {
  id: string;
  version: number;
  data: Record<string, unknown>;
  computed?: Record<string, unknown>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const pad = (n: number) => String(n).padStart(2, '0');
const cents = (v: number) => Math.round(v * 100) / 100;

/**
 * The columns of a year: Jan, Feb, Mar, Q1, Apr, ... Q4.
 *
 * @example
 * ```ts
 * yearColumns(2017)[3]; // { period: '2017-Q1', kind: 'quarter', months: ['2017-01', '2017-02', '2017-03'] }
 * ```
 */
export function yearColumns(year: number): GridColumn[] {
  const out: GridColumn[] = [];
  for (let q = 1; q <= 4; q++) {
    const months = [0, 1, 2].map((i) => `${year}-${pad((q - 1) * 3 + i + 1)}`);
    for (const m of months) out.push({ period: m, kind: 'month', months: [] });
    out.push({ period: `${year}-Q${q}`, kind: 'quarter', months });
  }
  return out;
}

/** The scope key of a target body (`unit:<id>`, `user:<id>`, `company` without a scope), as the plugin keys targets. */
export function scopeKey(data: Record<string, unknown>): string {
  if (typeof data.scope_user === 'string' && data.scope_user !== '') return `user:${data.scope_user}`;
  if (typeof data.scope_unit === 'string' && data.scope_unit !== '') return `unit:${data.scope_unit}`;
  return 'company';
}

/** The record body of a scope key. */
export function scopeFields(scope: string): { scope_unit?: string; scope_user?: string } {
  if (scope.startsWith('user:')) return { scope_user: scope.slice(5) };
  if (scope.startsWith('unit:')) return { scope_unit: scope.slice(5) };
  return {};
}

/** Targets from the records API (with their `computed`), keyed `scope|period`. */
export function gridTargets(records: readonly RecordLike[]): Map<string, GridTarget> {
  const out = new Map<string, GridTarget>();
  for (const r of records) {
    const scope = scopeKey(r.data);
    const period = String(r.data.period ?? '');
    out.set(`${scope}|${period}`, { id: r.id, version: r.version, scope, period, value: num(r.data.value) ?? 0, actual: num(r.computed?.actual), attainment: num(r.computed?.attainment) });
  }
  return out;
}

/**
 * The bottom-up check of every cell that has a target: the sum of the targets of the scopes one
 * level under it (a unit's child units, a team's reps) in the same period, and for a quarter the
 * sum of its months' targets of the same scope. Sums are to the cent.
 *
 * @example
 * ```ts
 * const checks = cellChecks(scopes, targets, yearColumns(2017));
 * checks.get('unit:team-a|2017-Q3'); // { children: { sum: 300000, count: 3 }, months: { sum: 300000, count: 3 } }
 * ```
 */
export function cellChecks(scopes: readonly GridScope[], targets: ReadonlyMap<string, GridTarget>, columns: readonly GridColumn[]): Map<string, CellCheck> {
  const children = new Map<string, string[]>();
  for (const s of scopes) if (s.parent) children.set(s.parent, [...(children.get(s.parent) ?? []), s.scope]);
  const out = new Map<string, CellCheck>();
  for (const s of scopes) {
    for (const c of columns) {
      if (!targets.has(`${s.scope}|${c.period}`)) continue;
      const sum = (keys: string[]) => {
        const found = keys.map((k) => targets.get(k)).filter((t): t is GridTarget => t !== undefined);
        return found.length > 0 ? { sum: cents(found.reduce((a, t) => a + t.value, 0)), count: found.length } : null;
      };
      out.set(`${s.scope}|${c.period}`, {
        children: sum((children.get(s.scope) ?? []).map((k) => `${k}|${c.period}`)),
        months: c.kind === 'quarter' ? sum(c.months.map((m) => `${s.scope}|${m}`)) : null,
      });
    }
  }
  return out;
}

/**
 * A number typed into a cell, in the reader's way of writing numbers (`1,234.5`, `1 234,5` is
 * not accepted: the grid takes digits, an optional decimal point and thousands commas). Empty
 * is null (no target); anything else that is not a number is NaN.
 *
 * @example
 * ```ts
 * parseAmount('1,250,000'); // 1250000
 * ```
 */
export function parseAmount(text: string): number | null {
  const t = text.trim().replace(/[,\s，]/g, '');
  if (t === '') return null;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

/** One row of a leaderboard. */
export interface LeaderRow {
  scope: string;
  name: string;
  target: number;
  actual: number;
  attainment: number;
}

/**
 * Ranks scopes by attainment (actual / target), highest first; ties by actual, then by name.
 * Targets of 0 (no attainment) are left out.
 *
 * @example
 * ```ts
 * rankByAttainment([{ scope: 'user:a', name: 'A', target: 10, actual: 5 }, { scope: 'user:b', name: 'B', target: 10, actual: 8 }]).map((r) => r.scope); // ['user:b', 'user:a']
 * ```
 */
export function rankByAttainment(rows: readonly { scope: string; name: string; target: number; actual: number }[]): LeaderRow[] {
  return rows
    .filter((r) => r.target > 0)
    .map((r) => ({ ...r, attainment: r.actual / r.target }))
    .sort((a, b) => b.attainment - a.attainment || b.actual - a.actual || a.name.localeCompare(b.name));
}

/**
 * The quarter a dashboard's period points at: the quarter of its last day, else (all time) null.
 *
 * @example
 * ```ts
 * quarterOf({ from: '2017-07-01', to: '2017-09-30' }); // '2017-Q3'
 * ```
 */
export function quarterOf(period: { from?: string; to?: string }): string | null {
  const m = /^(\d{4})-(\d{2})/.exec(period.to ?? '');
  return m ? `${m[1]}-Q${Math.floor((Number(m[2]) - 1) / 3) + 1}` : null;
}
