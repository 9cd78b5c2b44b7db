import type { ProcessDefinition } from '../../../src/api/processes';
import type { ApiFetch } from '../../../../runtime/test/harness';

/**
 * A generated process of `n` stages for stress tests: a chain of open stages laid out in a grid
 * of 20 columns, ending in "won", with "lost" reachable from any stage and a few skip-ahead
 * transitions, so the canvas holds n nodes and about 1.1 n edges.
 *
 * @example
 * ```ts
 * await createProcess(server.api, stressProcess(300));
 * ```
 */
export function stressProcess(n: number, id = `stress_${n}`): ProcessDefinition {
  const open = n - 2;
  const sid = (i: number) => `s${String(i).padStart(3, '0')}`;
  const stages: ProcessDefinition['stages'] = Array.from({ length: open }, (_, i) => ({ id: sid(i), label: `Stage ${i + 1}`, kind: 'open' as const, probability: Math.round((i / open) * 100) / 100, ...(i % 7 === 0 ? { sla: { maxDays: 10 + (i % 20) } } : {}) }));
  stages.push({ id: 'won', label: 'Won', kind: 'won', probability: 1 }, { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 });
  const transitions: NonNullable<ProcessDefinition['transitions']> = [];
  for (let i = 0; i < open - 1; i++) transitions.push({ id: `t${i}`, from: sid(i), to: sid(i + 1) });
  for (let i = 0; i + 5 < open; i += 25) transitions.push({ id: `skip${i}`, from: sid(i), to: sid(i + 5), guard: { '>=': [{ var: 'amount.amount' }, 1000 * (i + 1)] } });
  transitions.push({ id: 'win', from: sid(open - 1), to: 'won' }, { id: 'lose', from: '*', to: 'lost' });
  const nodes: Record<string, { x: number; y: number }> = {};
  stages.forEach((s, i) => { nodes[s.id] = { x: (i % 20) * 240, y: Math.floor(i / 20) * 140 }; });
  return { id, label: `Stress test (${n} stages)`, entity: 'pipeline.deal', initialStage: sid(0), allowBackward: true, stages, transitions, layout: { nodes } };
}

/**
 * A small process for the designer test: prospect -> won, anything -> lost.
 *
 * @example
 * ```ts
 * await createProcess(server.api, smallProcess('designer_demo'));
 * ```
 */
export function smallProcess(id: string): ProcessDefinition {
  return {
    id,
    label: 'Designer demo',
    entity: 'pipeline.deal',
    initialStage: 'prospect',
    stages: [
      { id: 'prospect', label: 'Prospect', kind: 'open', probability: 0.1 },
      { id: 'won', label: 'Won', kind: 'won', probability: 1 },
      { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
    ],
    transitions: [
      { id: 'win', label: 'Win', from: 'prospect', to: 'won' },
      { id: 'lose', label: 'Lose', from: '*', to: 'lost' },
    ],
    layout: { nodes: { prospect: { x: 0, y: 80 }, won: { x: 520, y: 0 }, lost: { x: 520, y: 200 } } },
  };
}

async function ok(res: Promise<Response>, status: number): Promise<unknown> {
  const r = await res;
  const text = await r.text();
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

/** Creates a process through the API (admin). */
export async function createProcess(api: ApiFetch, def: ProcessDefinition): Promise<void> {
  await ok(api('/api/processes', { method: 'POST', json: def }), 201);
}

/** Publishes a process's draft through the API (admin) unless it is published as it is; resolves the latest version. */
export async function publishProcess(api: ApiFetch, id: string): Promise<number> {
  const current = (await ok(api(`/api/processes/${id}`), 200)) as { latestVersion: number | null };
  const res = await api(`/api/processes/${id}/publish`, { method: 'POST' });
  if (res.status === 409 && current.latestVersion !== null) return current.latestVersion;
  return ((await ok(Promise.resolve(res), 201)) as { version: number }).version;
}
