import type { PluginServices } from './sdk-types';
import { processOf } from './handoffs';
import { HANDOFF } from './routing';

/**
 * Job `migrate_handoffs` (hourly, and after the demo seed): handoffs written before each kind was
 * a process (a `status`, no stage) enter their kind's process at `sent` and, when already
 * answered, move on to the stage their status names, through the one writer (stage history and
 * events, as the plugin). A handoff its process refuses (an old one missing its checklist) keeps
 * its status and no stage, and is counted and logged rather than failing the rest.
 *
 * @example
 * ```ts
 * await migrateHandoffs(services); // { migrated: 3, refused: 0 }
 * ```
 */
export async function migrateHandoffs(s: PluginServices): Promise<{ migrated: number; refused: number }> {
  let migrated = 0;
  let refused = 0;
  let cursor: string | undefined;
  do {
    const page = await s.records.list(HANDOFF, { limit: 500, sort: 'createdAt', ...(cursor ? { cursor } : {}) });
    for (const h of page.items) {
      if (h.stage !== null) continue;
      try {
        const process = processOf(h.data.kind);
        await s.records.move(HANDOFF, h.id, { to: 'sent', process, data: { status: 'pending' } });
        const status = String(h.data.status ?? 'pending');
        if (status === 'accepted') await s.records.move(HANDOFF, h.id, { to: 'accepted', data: { accepted_by: h.data.accepted_by ?? h.data.to_user ?? h.owner, accepted_at: h.data.accepted_at ?? h.updatedAt } });
        else if (status === 'rejected' || status === 'expired') await s.records.move(HANDOFF, h.id, { to: status, data: { resolved_at: h.data.resolved_at ?? h.updatedAt } });
        migrated++;
      } catch (err) {
        refused++;
        s.log.warn('handoff not migrated to its process', { id: h.id, kind: h.data.kind, error: err instanceof Error ? err.message : String(err) });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { migrated, refused };
}
