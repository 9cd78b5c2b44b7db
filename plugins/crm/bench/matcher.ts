import type { PluginServices } from '@pipewright/plugin-sdk';
import { DEDUPE, findCandidates, keysOf } from '../src/runtime/dedupe';
import type { LabelledSet } from './labelled-set';

const ACCOUNT = 'crm.account';

/**
 * Writes the set's existing accounts through the crm plugin's services (hooks store the keys)
 * and returns the matcher the plugin uses at every write: the names of the candidates.
 * `services` must act as the crm plugin's system principal (its own writes are not refused).
 */
export async function loadAndMatch(services: PluginServices, set: LabelledSet): Promise<(query: string, self?: string) => Promise<string[]>> {
  const ids = new Map<string, string>();
  for (const name of set.existing) ids.set(name, (await services.records.create(ACCOUNT, { data: { name, status: 'active' } })).id);
  const matching = DEDUPE.entities[ACCOUNT];
  if (!matching) throw new Error('crm.account has no matching declared');
  return async (query, self) => {
    const data = { name: query };
    const found = await findCandidates(services, ACCOUNT, matching, keysOf(matching, data), data, self ? (ids.get(self) ?? null) : null);
    return found.visible.map((c) => c.title);
  };
}
