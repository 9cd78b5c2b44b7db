import type { HostApi, StudioRecord } from '@pipewright/plugin-sdk/studio';
import type { Converted } from './model';

export const LEAD = 'handoff.lead';

/** Moves a lead (reads its version first, as the transitions API needs If-Match). */
export async function moveLead(api: HostApi, id: string, to: string, data?: Record<string, unknown>): Promise<StudioRecord> {
  const lead = await api.get(LEAD, id);
  const res = await api.request<{ record: StudioRecord }>('POST', `/api/records/${LEAD}/${encodeURIComponent(id)}/transitions`, { json: { to, ...(data ? { data } : {}) }, headers: { 'if-match': `"${lead.version}"` } });
  return res.record;
}

/**
 * Converts an accepted lead: the plugin's route creates or links account, contact and deal in
 * one transaction, then the lead moves to `converted` (its requirements need the three links).
 */
export async function convertLead(api: HostApi, id: string): Promise<{ converted: Converted; lead: StudioRecord }> {
  const converted = await api.request<Converted>('POST', `/api/plugins/handoff/leads/${encodeURIComponent(id)}/convert`, { json: {} });
  const lead = await moveLead(api, id, 'converted');
  return { converted, lead };
}
