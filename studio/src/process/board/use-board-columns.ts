import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { processApi, type OpenStay } from '../../api/processes';
import type { RecordView } from '../../api/types';
import { columnParams, idBatches, stageBatches, type BoardFilters } from './board-data';

export { PAGE_SIZE, type BoardFilters } from './board-data';

/** One column of the board: a page-wise window over the deals in one stage. */
export interface ColumnState {
  items: RecordView[];
  total: number | null;
  cursor: string | null;
  loading: boolean;
  error: string | null;
}

const EMPTY: ColumnState = { items: [], total: null, cursor: null, loading: true, error: null };

/**
 * Loads each stage's deals: the first page and total of every column in one request
 * (`api.columns`), later pages with the cursor API ({@link PAGE_SIZE} at a time), plus the open
 * stage stays of loaded cards (days in stage, SLA due) and, when some entity touches this one
 * (`touched`), their last touches: one request of each kind for the first pages and per later
 * page, never one per card. Moves update both columns locally without reloading.
 *
 * @example
 * ```ts
 * const board = useBoardColumns('acme.ticket', ['prospecting', 'won'], { owner: '', team: '' });
 * board.loadMore('won');
 * ```
 */
export function useBoardColumns(type: string, stages: readonly string[], filters: BoardFilters, touched = false) {
  const [columns, setColumns] = useState<Record<string, ColumnState>>({});
  const [stays, setStays] = useState<ReadonlyMap<string, OpenStay>>(new Map());
  // the last touch of loaded cards, by record id (absent: never touched, or not asked yet)
  const [touches, setTouches] = useState<ReadonlyMap<string, string>>(new Map());
  const generation = useRef(0);
  const stageKey = stages.join(',');

  const fetchTouches = useCallback(async (ids: string[]) => {
    if (!touched || ids.length === 0) return;
    try {
      const { items } = await api.touches(type, ids);
      setTouches((prev) => {
        const next = new Map(prev);
        for (const t of items) next.set(t.record, t.at);
        return next;
      });
    } catch {
      // the cards go without their last touch
    }
  }, [type, touched]);

  const fetchStays = useCallback(async (ids: string[]) => {
    if (ids.length === 0) return;
    try {
      const { items } = await processApi.stays(ids);
      setStays((prev) => {
        const next = new Map(prev);
        for (const s of items) next.set(s.record, s);
        return next;
      });
    } catch {
      // an older runtime without /api/pipeline/stays: cards fall back to the record's dates
    }
  }, []);

  const load = useCallback(async (stage: string, cursor: string | null, gen: number) => {
    setColumns((c) => ({ ...c, [stage]: { ...(c[stage] ?? EMPTY), loading: true, error: null } }));
    try {
      const page = await api.list(type, columnParams(stage, filters, cursor));
      if (gen !== generation.current) return;
      setColumns((c) => {
        const old = c[stage] ?? EMPTY;
        const items = cursor === null ? page.items : [...old.items, ...page.items.filter((x) => !old.items.some((o) => o.id === x.id))];
        return { ...c, [stage]: { items, total: page.total ?? old.total, cursor: page.nextCursor, loading: false, error: null } };
      });
      const ids = page.items.map((r) => r.id);
      await Promise.all([fetchStays(ids), fetchTouches(ids)]);
    } catch (err) {
      if (gen !== generation.current) return;
      setColumns((c) => ({ ...c, [stage]: { ...(c[stage] ?? EMPTY), loading: false, error: err instanceof Error ? err.message : String(err) } }));
    }
  }, [type, filters.owner, filters.team, filters.process, filters.q, filters.sort, fetchStays, fetchTouches]);

  // Every column's first page and total in one request (per 50 columns), then the stays and last
  // touches of all their cards in one request each (per 200 cards).
  const loadFirstPages = useCallback(async (gen: number) => {
    try {
      const pages = (await Promise.all(stageBatches(stages).map((batch) => api.columns(type, batch, columnParams('', filters, null))))).flatMap((a) => a.columns);
      if (gen !== generation.current) return;
      setColumns(Object.fromEntries(stages.map((s) => {
        const page = pages.find((p) => p.stage === s);
        return [s, page ? { items: page.items, total: page.total, cursor: page.nextCursor, loading: false, error: null } : { ...EMPTY, loading: false, total: 0 }];
      })));
      await Promise.all(idBatches(pages.flatMap((p) => p.items.map((r) => r.id))).flatMap((ids) => [fetchStays(ids), fetchTouches(ids)]));
    } catch (err) {
      if (gen !== generation.current) return;
      const error = err instanceof Error ? err.message : String(err);
      setColumns(Object.fromEntries(stages.map((s) => [s, { ...EMPTY, loading: false, error }])));
    }
    // load changes with the type and filters (and the stays and touches it asks for); stageKey with the stages
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load, stageKey]);

  useEffect(() => {
    const gen = ++generation.current;
    setColumns(Object.fromEntries(stages.map((s) => [s, EMPTY])));
    if (stages.length > 0) void loadFirstPages(gen);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stageKey, loadFirstPages]);

  const loadMore = (stage: string) => {
    const c = columns[stage];
    if (c?.cursor && !c.loading) void load(stage, c.cursor, generation.current);
  };

  /** Puts a moved record at the top of its new column and out of the old one. */
  const moved = (record: RecordView, from: string) => {
    setColumns((c) => {
      const src = c[from];
      const dst = record.stage ? c[record.stage] : undefined;
      const next = { ...c };
      if (src) next[from] = { ...src, items: src.items.filter((x) => x.id !== record.id), total: src.total === null ? null : src.total - 1 };
      if (dst && record.stage) next[record.stage] = { ...dst, items: [record, ...dst.items.filter((x) => x.id !== record.id)], total: dst.total === null ? null : dst.total + 1 };
      return next;
    });
    void fetchStays([record.id]);
  };

  /** Replaces a record in place (e.g. after reloading a stale one). */
  const replace = (record: RecordView) => {
    setColumns((c) => Object.fromEntries(Object.entries(c).map(([k, col]) => [k, { ...col, items: col.items.map((x) => (x.id === record.id ? record : x)) }])));
  };

  const ready = stages.length > 0 && stages.every((s) => columns[s] && !columns[s].loading && columns[s].total !== null);
  return { columns, stays, touches, loadMore, moved, replace, ready };
}
