import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import type { CellCheck, GridColumn, GridScope, GridTarget } from './grid-model';
import { parseAmount } from './grid-model';
import { formatNumber, percent } from './model';

/** What the grid asks of its page. */
export interface TargetGridProps {
  /** Cells show values but take no input (readers who do not set targets). */
  readOnly: boolean;
  scopes: readonly GridScope[];
  columns: readonly GridColumn[];
  targets: ReadonlyMap<string, GridTarget>;
  checks: ReadonlyMap<string, CellCheck>;
  /** Problems by cell (`scope|period`), shown next to the cell. */
  errors: ReadonlyMap<string, string>;
  saving: ReadonlySet<string>;
  selected: string | null;
  onSelect(cell: string): void;
  /** A typed value to store (null: remove the target). */
  onSave(scope: string, period: string, value: number | null): void;
  onInvalid(cell: string): void;
}

const differs = (a: number, b: number) => Math.abs(a - b) >= 0.005;

/** Column headings: months by the reader's calendar (Jul / 7月), quarters as Q3 / 第3季度. */
function columnLabel(c: GridColumn, language: string, quarter: (q: string) => string): string {
  if (c.kind === 'quarter') return quarter(c.period.slice(6));
  const [y, m] = c.period.split('-').map(Number);
  return new Intl.DateTimeFormat(language, { month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(y ?? 2000, (m ?? 1) - 1, 1)));
}

/**
 * The month-by-month target grid: a row per scope (company, offices, teams, reps, indented), a
 * column per month and quarter. Each cell is an input saved on Enter or leaving it; under it the
 * attainment, and the bottom-up check where it fails (the sum of the scopes below, and for a
 * quarter of its months). Problems the server answers sit next to their cell.
 *
 * @example
 * ```tsx
 * const Grid = targetGrid(host);
 * <Grid scopes={scopes} columns={yearColumns(2017)} ... />
 * ```
 */
export function targetGrid(host: StudioHost) {
  const { React, useT, useLanguage } = host;
  return function TargetGrid(p: TargetGridProps) {
    const t = useT();
    const language = useLanguage();
    const [drafts, setDrafts] = React.useState<Map<string, string>>(new Map());
    const setDraft = (cell: string, v: string | null) =>
      setDrafts((d) => {
        const n = new Map(d);
        if (v === null) n.delete(cell);
        else n.set(cell, v);
        return n;
      });
    const commit = (scope: string, period: string) => {
      const cell = `${scope}|${period}`;
      const draft = drafts.get(cell);
      if (draft === undefined) return;
      const value = parseAmount(draft);
      const current = p.targets.get(cell)?.value ?? null;
      if (value !== null && (Number.isNaN(value) || value < 0)) return p.onInvalid(cell);
      setDraft(cell, null);
      if (value === current) return;
      p.onSave(scope, period, value);
    };
    const quarter = (q: string) => t('targets.quarter', { q });
    return (
      <div style={{ overflowX: 'auto' }}>
        <table className="records okr-target-grid" data-testid="targets-grid" style={{ borderCollapse: 'collapse', fontSize: 13 }}>
          <thead>
            <tr>
              <th scope="col" style={{ position: 'sticky', left: 0, background: '#fff', minWidth: 200 }}>{t('targets.scope')}</th>
              {p.columns.map((c) => (
                <th key={c.period} scope="col" data-period={c.period} style={{ minWidth: 96, background: c.kind === 'quarter' ? '#f3f6fa' : undefined }}>{columnLabel(c, language, quarter)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.scopes.map((s) => (
              <tr key={s.scope} data-scope={s.scope}>
                <th scope="row" style={{ position: 'sticky', left: 0, background: '#fff', textAlign: 'left', paddingLeft: 8 + s.depth * 16, fontWeight: s.kind === 'person' ? 400 : 600, whiteSpace: 'nowrap' }}>
                  {s.name}
                </th>
                {p.columns.map((c) => {
                  const cell = `${s.scope}|${c.period}`;
                  const target = p.targets.get(cell);
                  const check = p.checks.get(cell);
                  const error = p.errors.get(cell);
                  const draft = drafts.get(cell);
                  const childGap = target && check?.children && differs(check.children.sum, target.value) ? check.children : null;
                  const monthGap = target && check?.months && differs(check.months.sum, target.value) ? check.months : null;
                  const label = `${s.name} · ${columnLabel(c, language, quarter)} ${c.period.slice(0, 4)}`;
                  return (
                    <td
                      key={c.period}
                      data-cell={cell}
                      data-actual={target?.actual ?? ''}
                      aria-selected={p.selected === cell}
                      style={{ verticalAlign: 'top', padding: 3, background: p.selected === cell ? '#e8f1fd' : c.kind === 'quarter' ? '#f8fafc' : undefined }}
                    >
                      <input
                        aria-label={label}
                        aria-invalid={error !== undefined}
                        aria-describedby={error ? `err-${cell}` : undefined}
                        inputMode="decimal"
                        value={draft ?? (target ? String(target.value) : '')}
                        disabled={p.saving.has(cell)}
                        readOnly={p.readOnly}
                        onFocus={() => p.onSelect(cell)}
                        onChange={(e) => setDraft(cell, e.target.value)}
                        onBlur={() => commit(s.scope, c.period)}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') commit(s.scope, c.period);
                          if (e.key === 'Escape') setDraft(cell, null);
                        }}
                        style={{ width: 88, textAlign: 'right', fontWeight: c.kind === 'quarter' ? 600 : 400 }}
                      />
                      {target && target.attainment !== null && (
                        <div className="muted" data-testid="cell-attainment" title={t('targets.actualOf', { actual: formatNumber(target.actual, language) })} style={{ fontSize: 11, textAlign: 'right' }}>
                          {percent(target.attainment, language)}
                        </div>
                      )}
                      {childGap && (
                        <div data-testid="cell-gap" data-kind="children" data-sum={childGap.sum} style={{ fontSize: 11, color: '#9a6700', textAlign: 'right' }} title={t('targets.childrenGapHelp', { n: childGap.count })}>
                          {t('targets.childrenSum', { sum: formatNumber(childGap.sum, language) })}
                        </div>
                      )}
                      {monthGap && (
                        <div data-testid="cell-gap" data-kind="months" data-sum={monthGap.sum} style={{ fontSize: 11, color: '#9a6700', textAlign: 'right' }} title={t('targets.monthsGapHelp', { n: monthGap.count })}>
                          {t('targets.monthsSum', { sum: formatNumber(monthGap.sum, language) })}
                        </div>
                      )}
                      {error && (
                        <div role="alert" id={`err-${cell}`} data-testid="cell-error" style={{ fontSize: 11, color: '#cf222e', maxWidth: 140 }}>
                          {error}
                        </div>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  };
}
