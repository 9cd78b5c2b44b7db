import { useEffect, useState } from 'react';
import { dashboardsApi, type MetricInfo } from '../../dashboards/api';
import { boardValuesQuery } from './board-data';

/** The board's filters the figures follow. */
export interface BoardValueFilters {
  owner: string;
  team: string;
  process: string;
}

/** Figures of the board: per stage and metric, and each metric's total over the stages. */
export interface BoardValues {
  metrics: MetricInfo[];
  byStage: ReadonlyMap<string, ReadonlyMap<string, number>>;
  totals: ReadonlyMap<string, number>;
  error: string | null;
}

const EMPTY: BoardValues = { metrics: [], byStage: new Map(), totals: new Map(), error: null };

/**
 * Sums rows of a metric answer split by stage (and by owner, team or process when the board
 * filters on them) into figures per stage and totals, keeping only the rows that match the filters;
 * zeros are left out (a metric that does not count a stage answers 0 there).
 *
 * @example
 * ```ts
 * sumBoardValues(rows, ['pipeline.open_pipeline_value'], { owner: 'ada', team: '', process: '' });
 * ```
 */
export function sumBoardValues(rows: readonly Record<string, string | number | null>[], metrics: readonly string[], filters: BoardValueFilters): { byStage: Map<string, Map<string, number>>; totals: Map<string, number> } {
  const byStage = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  for (const row of rows) {
    if (filters.owner && row.owner_id !== filters.owner) continue;
    if (filters.team && row.team_id !== filters.team) continue;
    if (filters.process && row.process !== filters.process) continue;
    const stage = row.stage === null || row.stage === undefined ? null : String(row.stage);
    if (stage === null) continue;
    for (const m of metrics) {
      const v = row[m];
      // A stage a metric does not count (won value in an open stage) answers 0: not a figure of that column.
      if (typeof v !== 'number' || !Number.isFinite(v) || v === 0) continue;
      const at = byStage.get(stage) ?? new Map<string, number>();
      at.set(m, (at.get(m) ?? 0) + v);
      byStage.set(stage, at);
      totals.set(m, (totals.get(m) ?? 0) + v);
    }
  }
  return { byStage, totals };
}

/**
 * The board's money figures: one metric query split by stage (plus owner, team or process as
 * filtered), refreshed when the filters change or `refresh` counts a move.
 *
 * @example
 * ```ts
 * const values = useBoardValues(['pipeline.open_pipeline_value'], { owner: '', team: '', process: '' }, moves);
 * ```
 */
export function useBoardValues(metricIds: readonly string[] | undefined, filters: BoardValueFilters, refresh: number): BoardValues {
  const [state, setState] = useState<BoardValues>(EMPTY);
  const key = (metricIds ?? []).join(',');
  useEffect(() => {
    const ids = key ? key.split(',') : [];
    if (ids.length === 0) {
      setState(EMPTY);
      return;
    }
    const ctl = new AbortController();
    Promise.all([dashboardsApi.metrics(ctl.signal), dashboardsApi.query(boardValuesQuery(ids, filters), ctl.signal)])
      .then(([catalog, answer]) => {
        const metrics = ids.map((id) => catalog.items.find((m) => m.id === id)).filter((m): m is MetricInfo => m !== undefined);
        setState({ metrics, ...sumBoardValues(answer.rows, ids, filters), error: null });
      })
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        setState({ ...EMPTY, error: err instanceof Error ? err.message : String(err) });
      });
    return () => ctl.abort();
  }, [key, filters.owner, filters.team, filters.process, refresh]);
  return state;
}
