import type { PluginRecord, RouteContext as PluginServices } from './types';
import type { DealInput, StayInput } from './engine';

export const DEAL = 'pipeline.deal';

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
 * service; each stay carries its stage's kind and win probability in the deal's pinned process
 * version, an open stage without one counting 0), in the engine's form. Row visibility is the services': a rep gets his own deals.
 */
export async function loadDeals(services: PluginServices): Promise<LoadedDeal[]> {
  const records: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await services.records.list(DEAL, { limit: 1000, sort: 'createdAt', ...(cursor ? { cursor } : {}) });
    records.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const stays = await services.history.stays(DEAL);
  const byRecord = new Map<string, StayInput[]>();
  for (const s of stays) {
    const list = byRecord.get(s.recordId) ?? [];
    list.push({ stage: s.stage, kind: s.stageKind, probability: s.probability ?? 0, enteredAt: Date.parse(s.enteredAt), exitedAt: s.exitedAt ? Date.parse(s.exitedAt) : null });
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
