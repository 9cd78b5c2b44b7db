import type { ListParams } from '../../api/client';
import { versionPath, type ProcessDefinition, type ProcessSummary, type ProcessVersion, type StageDefinition } from '../../api/processes';
import type { EntityInfo } from '../../api/types';
import { columnSort } from './board-sort';

/** Cards loaded per column and per "show more". */
export const PAGE_SIZE = 20;

/** Board filters that narrow every column. */
export interface BoardFilters {
  owner: string;
  team: string;
  /** Only records on this process (empty: any). */
  process?: string;
  /** Search in the entity's search fields (empty: none). */
  q?: string;
  /** The records API's `sort` (empty: most recently entered the stage first). */
  sort?: string;
}

/** The definition a board draws its columns from. */
export interface BoardDefinition {
  id: string;
  definition: ProcessDefinition;
  published: boolean;
  /** Stages only older published versions have, newest version first. */
  older: { stage: StageDefinition; version: number }[];
}

/**
 * The process a board shows: the one asked for, else the first published, else the first.
 *
 * @example
 * ```ts
 * chooseProcess(items, search.get('process'));
 * ```
 */
export function chooseProcess(processes: readonly ProcessSummary[] | null, processId: string | null): ProcessSummary | null {
  return processes?.find((p) => p.id === processId) ?? processes?.find((p) => p.latestVersion !== null) ?? processes?.[0] ?? null;
}

/**
 * The latest published version of a process and the stages only its older versions have
 * (every version asked at once), read with `get` (the API client, or its prefetch). A process
 * never published answers `null`: the caller reads its draft.
 *
 * @example
 * ```ts
 * const def = await publishedDefinition(chosen, (path) => request('GET', path));
 * ```
 */
export async function publishedDefinition(chosen: ProcessSummary, get: (path: string) => Promise<ProcessVersion>): Promise<BoardDefinition | null> {
  const latest = chosen.latestVersion;
  if (latest === null) return null;
  const [v, ...older] = await Promise.all(Array.from({ length: latest }, (_, i) => get(versionPath(chosen.id, latest - i))));
  const seen = new Set((v?.definition.stages ?? []).map((s) => s.id));
  const extra: { stage: StageDefinition; version: number }[] = [];
  for (const o of older) for (const s of o.definition.stages) if (!seen.has(s.id)) { seen.add(s.id); extra.push({ stage: s, version: o.version }); }
  return { id: chosen.id, definition: (v as ProcessVersion).definition, published: true, older: extra };
}

/** The stage ids of a board's columns: the latest version's, then those only older versions have. */
export const boardStageIds = (def: BoardDefinition): string[] => [...def.definition.stages.map((s) => s.id), ...def.older.map((o) => o.stage.id)];

/**
 * The process filter of the columns: the chosen process only when several are published (stage
 * ids such as "won" may be shared); with one, the columns keep their exact counters.
 */
export function processFilter(processes: readonly ProcessSummary[], chosenId: string | null, published: boolean): string {
  const severalPublished = processes.filter((p) => p.latestVersion !== null).length > 1;
  return published && severalPublished ? (chosenId ?? '') : '';
}

/** Whether some entity's records touch records of `type` (cards then show a last touch). */
export const isTouched = (entities: readonly Pick<EntityInfo, 'touch' | 'references'>[], type: string): boolean =>
  entities.some((e) => e.touch && Object.values(e.references ?? {}).some((r) => r.entity === type));

/**
 * The records API parameters of a column page: the stage and the board's filters, the column
 * sort, {@link PAGE_SIZE} cards, the total on the first page.
 *
 * @example
 * ```ts
 * api.list('acme.ticket', columnParams('won', { owner: '', team: '' }, null));
 * ```
 */
export function columnParams(stage: string, filters: BoardFilters, cursor: string | null): ListParams {
  const f = [{ field: 'stage', op: 'eq', value: stage }];
  if (filters.owner) f.push({ field: 'owner', op: 'eq', value: filters.owner });
  if (filters.team) f.push({ field: 'orgUnit', op: 'eq', value: filters.team });
  if (filters.process) f.push({ field: 'process', op: 'eq', value: filters.process });
  // By default most recently entered first: the runtime answers this from the open stays' index and its stage counters.
  return { filters: f, sort: columnSort(filters.sort ?? '', filters.q ?? ''), ...(filters.q ? { q: filters.q } : {}), limit: PAGE_SIZE, cursor, total: cursor === null };
}

/** Ids asked per request of stays and last touches (the touches API takes up to 200). */
export const IDS_PER_REQUEST = 200;

/** Columns asked per request of first pages (the columns API takes up to 50). */
export const COLUMNS_PER_REQUEST = 50;

/**
 * A board's stages in requests of at most {@link COLUMNS_PER_REQUEST} first pages: one request for
 * any ordinary process, a few for a process of hundreds of stages.
 *
 * @example
 * ```ts
 * stageBatches(['prospecting', 'won']); // [['prospecting', 'won']]
 * ```
 */
export function stageBatches(stages: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < stages.length; i += COLUMNS_PER_REQUEST) out.push(stages.slice(i, i + COLUMNS_PER_REQUEST));
  return out;
}

/**
 * The loaded cards' ids in requests of at most {@link IDS_PER_REQUEST}: one request of stays and
 * one of last touches for a first load of six columns, never one per column or per card.
 *
 * @example
 * ```ts
 * idBatches(columns.flatMap((c) => c.items.map((r) => r.id))); // [['…', …]]
 * ```
 */
export function idBatches(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) out.push(ids.slice(i, i + IDS_PER_REQUEST));
  return out;
}

/**
 * The metric query of a board's money figures: the metrics by stage, and by owner, team or
 * process when the board is filtered on them (the figures are summed from the rows that match).
 *
 * @example
 * ```ts
 * boardValuesQuery(['pipeline.won_value'], { owner: '', team: 't1', process: '' }); // { metrics: [...], groupBy: ['stage', 'team'] }
 * ```
 */
export function boardValuesQuery(metrics: readonly string[], filters: { owner: string; team: string; process: string }): { metrics: string[]; groupBy: string[] } {
  return { metrics: [...metrics], groupBy: ['stage', ...(filters.owner ? ['owner'] : []), ...(filters.team ? ['team'] : []), ...(filters.process ? ['process'] : [])] };
}
