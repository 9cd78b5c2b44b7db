import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { ApiFetch, TestServer } from '../harness';

/** A record as the API returns it. */
export interface View {
  id: string;
  version: number;
  stage: string | null;
  owner: string | null;
  data: Record<string, unknown>;
}

/** A problem+json body. */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { pointer: string; message: string; code?: string }[];
  [k: string]: unknown;
}

/** Reads JSON after asserting the status (the body is shown on failure). */
export async function expectJson<T>(res: Response | Promise<Response>, status: number): Promise<T> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text.slice(0, 2000)).toBe(status);
  return JSON.parse(text) as T;
}

/** Publishes a process's current draft (admin). */
export async function publish(api: ApiFetch, id: string): Promise<number> {
  const body = await expectJson<{ version: number }>(api(`/api/processes/${id}/publish`, { method: 'POST' }), 201);
  return body.version;
}

/** Publishes a process unless a version of it is already published (the runtime may publish shipped ones at start). */
export async function ensurePublished(api: ApiFetch, id: string): Promise<void> {
  const p = await expectJson<{ latestVersion: number | null }>(api(`/api/processes/${id}`), 200);
  if (!p.latestVersion) await publish(api, id);
}

/** Publishes every process plugins ship for an entity (an entity may have one per kind of record, e.g. handoffs), unless published. */
export async function ensurePublishedFor(server: TestServer, entity: string): Promise<string[]> {
  const ids = [...server.platform.registry.processes.values()].map((p) => p.document as { id: string; entity: string }).filter((p) => p.entity === entity).map((p) => p.id);
  for (const id of ids) await ensurePublished(server.api, id);
  return ids;
}

/** Creates a deal through the records API. */
export async function createDeal(api: ApiFetch, data: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<View> {
  return expectJson<View>(api('/api/records/pipeline.deal', { method: 'POST', json: { data, ...extra } }), 201);
}

/** Moves a record; returns the raw response. */
export function move(api: ApiFetch, id: string, version: number, body: Record<string, unknown>, headers: Record<string, string> = {}, type = 'pipeline.deal'): Promise<Response> {
  return api(`/api/records/${type}/${id}/transitions`, { method: 'POST', headers: { 'if-match': `"${version}"`, ...headers }, json: body });
}

/** Polls until `check` returns a value (not undefined/false) or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Counts rows of a table. */
export async function count(server: TestServer, table: 'stage_history' | 'events' | 'notifications' | 'action_runs' | 'sla_breaches' | 'incidents' | 'idempotency_keys' | 'records'): Promise<number> {
  const r = await server.platform.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A fully qualified deal body that may enter any new-business stage up to negotiation. */
export const QUALIFIED = { amount: { amount: 5000, currency: 'USD' }, engage_date: '2025-01-10', next_step: 'Call the CFO' };

/** A process whose first stage has a 2-second SLA with a warning after 1 second. */
export const SLA_PROCESS = {
  id: 'sla_test',
  label: 'SLA test',
  entity: 'pipeline.deal',
  initialStage: 'fast',
  stages: [
    { id: 'fast', label: 'Fast', kind: 'open', sla: { maxDuration: 'PT2S', warnBefore: 'PT1S', escalateTo: { role: 'manager' } } },
    { id: 'next', label: 'Next', kind: 'open' },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'go', from: 'fast', to: 'next' },
    { id: 'win', from: 'next', to: 'won' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
};

/**
 * A deal as versions before issue 11 created it: no stage and no process yet, so its first
 * transition enters a process (`{ to: <initial stage>, process }`). Databases still hold such
 * records; the transition path keeps accepting them.
 */
export async function legacyDeal(server: TestServer, data: Record<string, unknown>, owner = 'rick-rep', orgUnit: string | null = 't-north-a'): Promise<View> {
  await server.seedOrg();
  const now = new Date();
  const row = await server.platform.database.db
    .insertInto('records')
    .values({ id: randomUUID(), type: 'pipeline.deal', owner_id: owner, org_unit_id: orgUnit, stage: null, version: 1, data: JSON.stringify(data), created_by: `user:${owner}`, updated_by: `user:${owner}`, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: row.id, version: row.version, stage: row.stage, owner: row.owner_id, data };
}

/** A small process on deals whose win is guarded by `guard` (a saved-rule reference, say). */
export const guardedDealProcess = (id: string, guard: unknown) => ({
  id,
  label: 'Guarded by a saved rule',
  entity: 'pipeline.deal',
  initialStage: 'open',
  stages: [{ id: 'open', label: 'Open', kind: 'open' }, { id: 'won', label: 'Won', kind: 'won', probability: 1 }, { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 }],
  transitions: [{ id: 'win', from: 'open', to: 'won', guard }, { id: 'lose', from: 'open', to: 'lost' }],
});
