import { readFileSync } from 'node:fs';
import type { PluginRecord, RouteContext as PluginServices } from './types';
import type { DealInput, StayInput } from './engine';

export const DEAL = 'pipeline.deal';

/** A stage stay as the platform's history service gives it. */
interface Stay {
  recordId: string;
  process: string;
  processVersion: number;
  stage: string;
  stageKind: string;
  enteredAt: string;
  exitedAt: string | null;
}

/** The plugin services with the stage history service (PluginServices.history). */
type WithHistory = PluginServices & { history?: { stays(type: string, options?: { recordIds?: string[]; enteredBefore?: string }): Promise<Stay[]> } };

interface ProcessFile {
  id: string;
  stages: { id: string; kind: string; probability?: number }[];
}

/**
 * Win probability of each stage of the plugin's processes, by process id. The pipeline plugin's
 * process files are the source (the history gives the version; the plugin's published versions
 * keep their files' probabilities). A stage of another process counts as probability 0.
 */
const PROBABILITIES: Map<string, Map<string, number>> = new Map(
  ['new-business', 'renewal'].map((f) => {
    const p = JSON.parse(readFileSync(new URL(`../../../processes/${f}.process.json`, import.meta.url), 'utf8')) as ProcessFile;
    return [p.id, new Map(p.stages.map((s) => [s.id, s.kind === 'won' ? 1 : s.kind === 'lost' ? 0 : (s.probability ?? 0)]))];
  }),
);

/** The probability of a stage of a process (0 when unknown). */
export function stageProbability(process: string, stage: string): number {
  return PROBABILITIES.get(process)?.get(stage) ?? 0;
}

const money = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && typeof (v as { amount?: unknown }).amount === 'number') return (v as { amount: number }).amount;
  return 0;
};

/** A deal with its owner, unit and data, as the forecast routes group it. */
export interface LoadedDeal extends DealInput {
  record: PluginRecord;
}

/**
 * Every deal the caller may see (records service, paged) with its stage stays (history
 * service), in the engine's form. Row visibility is the services': a rep gets his own deals.
 */
export async function loadDeals(services: PluginServices): Promise<LoadedDeal[]> {
  const records: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await services.records.list(DEAL, { limit: 1000, sort: 'createdAt', ...(cursor ? { cursor } : {}) });
    records.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const history = (services as WithHistory).history;
  if (!history) throw new Error('the platform gives no stage history service (PluginServices.history)');
  const stays = await history.stays(DEAL);
  const byRecord = new Map<string, StayInput[]>();
  for (const s of stays) {
    const list = byRecord.get(s.recordId) ?? [];
    list.push({ stage: s.stage, kind: s.stageKind, probability: stageProbability(s.process, s.stage), enteredAt: Date.parse(s.enteredAt), exitedAt: s.exitedAt ? Date.parse(s.exitedAt) : null });
    byRecord.set(s.recordId, list);
  }
  return records.map((r) => {
    const own = (byRecord.get(r.id) ?? []).sort((a, b) => a.enteredAt - b.enteredAt);
    return {
      id: r.id,
      owner: r.owner,
      orgUnit: r.orgUnit,
      amount: money(r.data.amount),
      closeValue: money(r.data.close_value),
      createdAt: own[0]?.enteredAt ?? Date.parse(r.createdAt),
      stays: own,
      record: r,
    };
  });
}
