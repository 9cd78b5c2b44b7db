import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/jobs/queue';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { count, ensurePublished, ensurePublishedFor, eventually, expectJson, move, type View } from './helpers';

interface Stage {
  id: string;
  kind: string;
}
interface Transition {
  id: string;
  from: string | string[];
  to: string;
  actions?: { type: string }[];
}
interface ProcessDoc {
  id: string;
  entity: string;
  initialStage: string;
  stages: Stage[];
  transitions: Transition[];
}

/** The stages a transition leaves from, read from the definition: `*` is every open stage. */
const sourcesOf = (p: ProcessDoc, t: Transition): string[] => (t.from === '*' ? p.stages.filter((s) => s.kind === 'open').map((s) => s.id) : Array.isArray(t.from) ? t.from : [t.from]);

/** Shortest chain of explicit transitions from the initial stage to `stage` (breadth first). */
function pathTo(p: ProcessDoc, stage: string): Transition[] {
  const paths = new Map<string, Transition[]>([[p.initialStage, []]]);
  const queue = [p.initialStage];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    for (const t of p.transitions) {
      if (!sourcesOf(p, t).includes(at) || paths.has(t.to)) continue;
      paths.set(t.to, [...(paths.get(at) ?? []), t]);
      queue.push(t.to);
    }
  }
  const path = paths.get(stage);
  if (!path) throw new Error(`${p.id}: no path to ${stage}`);
  return path;
}


describe.each(backends())('every transition of every shipped process on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    await server.seedOrg();
    // handoff.create (on the move to proposal) makes a handoff, which moves through its kind's process.
    await ensurePublishedFor(server, 'handoff.handoff');
    await server.platform.processes.startWorkers(1);
  }, 120_000);
  afterAll(() => server?.close());

  it('runs each one with all its actions and records no incident', async () => {
    const account = await expectJson<View>(rep.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Shipped Co', status: 'active' } } }), 201);
    const contact = await expectJson<View>(rep.api('/api/records/crm.contact', { method: 'POST', json: { data: { first_name: 'Dana', last_name: 'Decider', account_id: account.id } } }), 201);
    const product = await expectJson<View>(rep.api('/api/records/pipeline.product', { method: 'POST', json: { data: { name: 'GTX Pro' } } }), 201);
    // Meets every stage's requirements and every guard of the shipped processes.
    const body = (name: string) => ({
      name,
      account_id: account.id,
      product_id: product.id,
      decision_maker_id: contact.id,
      amount: { amount: 5000, currency: 'USD' },
      close_value: { amount: 4800, currency: 'USD' },
      engage_date: '2026-01-10',
      expected_close_date: '2026-03-01',
      close_date: '2026-02-20',
      next_step: 'Call the CFO',
      lost_reason: 'no_budget',
    });
    // The deal processes (the scorecard plugin's review process, on evaluations, is run through by plugins/scorecard/test).
    const processes = [...server.platform.registry.processes.values()].map((p) => p.document as ProcessDoc).filter((p) => p.entity === 'pipeline.deal');
    expect(processes.map((p) => p.id).sort()).toEqual(['new_business', 'renewal']);
    let moves = 0;
    let actions = 0;
    const proposals: { deal: View; name: string }[] = [];
    for (const p of processes) {
      await ensurePublished(server.api, p.id);
      for (const t of p.transitions) {
        for (const from of sourcesOf(p, t)) {
          const name = `${p.id} ${t.id} from ${from}`;
          let deal = await expectJson<View>(rep.api(`/api/records/${p.entity}`, { method: 'POST', json: { data: body(name), process: p.id } }), 201);
          if (deal.stage === null) deal = (await expectJson<{ record: View }>(move(server.api, deal.id, deal.version, { to: p.initialStage, process: p.id }), 200)).record;
          for (const step of [...pathTo(p, from), t]) {
            const res = await expectJson<{ record: View; transition: { transition: string | null } }>(move(server.api, deal.id, deal.version, { to: step.to, transition: step.id }), 200);
            expect(res.transition.transition).toBe(step.id);
            deal = res.record;
            moves++;
            actions += step.actions?.length ?? 0;
            if (step.actions?.some((a) => a.type === 'handoff.create')) proposals.push({ deal, name });
          }
          expect(deal.stage).toBe(t.to);
        }
      }
    }
    expect(moves).toBeGreaterThan(20);
    const jobs = sql.table(`${server.platform.processes.queue.schema}.job`);
    await eventually(async () => Number((await sql<{ n: string }>`select count(*) as n from ${jobs} where name = ${QUEUES.actions} and state < 'completed'`.execute(server.platform.database.db)).rows[0]?.n) === 0, 120_000, 200);
    const incidents = await expectJson<{ items: { kind: string; message: string }[] }>(server.api('/api/incidents'), 200);
    expect(incidents.items).toEqual([]);
    expect(await count(server, 'incidents')).toBe(0);
    const runs = await server.platform.database.db.selectFrom('action_runs').select(['status', 'action_type']).execute();
    expect(runs.length).toBe(actions);
    expect(runs.filter((r) => r.status !== 'done')).toEqual([]);
    // handoff.create made one pending handoff per "send proposal", about the deal, from its owner.
    expect(proposals.length).toBeGreaterThan(0);
    const handoffs = await expectJson<{ items: View[] }>(rep.api('/api/records/handoff.handoff?limit=100'), 200);
    expect(handoffs.items).toHaveLength(proposals.length);
    for (const { deal, name } of proposals) {
      const h = handoffs.items.find((x) => x.data.deal_id === deal.id);
      expect(h?.data).toEqual({ kind: 'sales_to_presales', status: 'pending', summary: `Proposal support for ${name}`, priority: 'normal', reassignments: 0, policy_id: 'presales_requests', from_user: rep.userId, deal_id: deal.id, account_id: account.id });
      expect(h?.owner).toBe(rep.userId);
    }
    // A crash after the handoff was written but before its run was recorded: the job is
    // delivered again, and the handler finds the handoff it made instead of making a second.
    const first = proposals[0] as { deal: View };
    const db = server.platform.database.db;
    const job = (await sql<{ data: Record<string, unknown> }>`select data from ${jobs} where name = ${QUEUES.actions} and data->'record'->>'id' = ${first.deal.id} and data->>'transition' = 'propose'`.execute(db)).rows[0];
    if (!job) throw new Error('the proposal job is gone');
    await db.deleteFrom('action_runs').where('record_id', '=', first.deal.id).where('action_type', '=', 'handoff.create').execute();
    await server.platform.processes.queue.send(QUEUES.actions, job.data);
    await eventually(async () => (await db.selectFrom('action_runs').select('key').where('record_id', '=', first.deal.id).where('action_type', '=', 'handoff.create').executeTakeFirst()) !== undefined, 60_000, 100);
    const after = await expectJson<{ items: View[] }>(rep.api(`/api/records/handoff.handoff?filter[deal_id]=${first.deal.id}`), 200);
    expect(after.items.map((h) => h.id)).toEqual(handoffs.items.filter((h) => h.data.deal_id === first.deal.id).map((h) => h.id));
    const result = await db.selectFrom('action_runs').select('result').where('record_id', '=', first.deal.id).where('action_type', '=', 'handoff.create').executeTakeFirstOrThrow();
    expect(typeof result.result === 'string' ? JSON.parse(result.result) : result.result).toEqual({ handoff: after.items[0]?.id, created: false });
  }, 300_000);
});
