import { systemPrincipal } from '../../../runtime/src/auth/principal';
import type { TestServer } from '../../../runtime/test/harness';
import { ensurePublished, expectJson, publish, type View } from '../../../runtime/test/process/helpers';

export const LEAD = 'handoff.lead';
export const RULE = 'handoff.routing_rule';

/** Extra reps (north B) beside the harness org's, for fairness over five people. */
export const EXTRA_REPS = [
  { id: 'rita-rep', name: 'Rita Rep', unit: 't-north-b' },
  { id: 'rob-rep', name: 'Rob Rep', unit: 't-north-b' },
];

/** Each handoff kind's process (plugins/handoff/processes). */
export const HANDOFF_PROCESSES = ['handoff_marketing_to_sales', 'handoff_presales_to_sales', 'handoff_sales_to_presales', 'handoff_sales_to_success'] as const;

/** Seeds the org, two more reps, and publishes the lead process and the handoff kinds' processes (as an admin would). */
export async function prepare(server: TestServer): Promise<void> {
  await server.seedOrg();
  await server.platform.database.db
    .insertInto('users')
    .values(EXTRA_REPS.map((u) => ({ id: u.id, name: u.name, email: `${u.id}@test.pipewright.dev`, org_unit_id: u.unit, roles: JSON.stringify(['rep']), password_hash: null })))
    .execute();
  await publish(server.api, 'lead');
  // The kinds' processes are published by the runtime at start (contributes.publishProcesses).
  for (const id of HANDOFF_PROCESSES) await ensurePublished(server.api, id);
  await server.platform.processes.startWorkers(2);
}

/** Creates a routing rule as the harness admin (company-wide: no owner, no unit). */
export async function createRule(server: TestServer, data: Record<string, unknown>): Promise<View> {
  return expectJson<View>(server.api(`/api/records/${RULE}`, { method: 'POST', json: { data, owner: null, orgUnit: null } }), 201);
}

/** Deletes every routing rule (tests start from their own list). */
export async function clearRules(server: TestServer): Promise<void> {
  const { items } = await expectJson<{ items: View[] }>(server.api(`/api/records/${RULE}?limit=1000`), 200);
  for (const r of items) {
    const res = await server.api(`/api/records/${RULE}/${r.id}`, { method: 'DELETE', headers: { 'if-match': `"${r.version}"` } });
    if (res.status !== 204) throw new Error(`could not delete rule ${r.id}: ${res.status} ${await res.text()}`);
  }
}

/** A lead body with everything the hand-over needs. */
export const LEAD_DATA = { company_name: 'Acme Robotics', contact_name: 'Ada Lovelace', email: 'ada@acme-robotics.example', source: 'marketing_campaign', campaign: 'Spring webinar', country: 'DE', territory: 'emea' } as const;

/** The plugin's services as its jobs get them. */
export const jobServices = (server: TestServer) => server.platform.plugins.services('handoff', systemPrincipal('plugin:handoff'));
