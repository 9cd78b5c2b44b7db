import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../runtime/cluster/client';
import { startCluster, type Cluster } from '../../../runtime/cluster/cluster';

const KINDS = ['handoff_marketing_to_sales', 'handoff_presales_to_sales', 'handoff_sales_to_presales', 'handoff_sales_to_success'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `npm run test:cluster`: two runtime processes, each running job workers, and the worker process
 * on one throwaway PostgreSQL, started together on an empty database. The handoff kinds'
 * processes are published once between them (`contributes.publishProcesses`), and handoffs nobody
 * accepts escalate once to the receiver's manager and expire once, whichever process's worker
 * takes each SLA step. Windows are seconds (the plugin's settings).
 */
describe('handoff SLA across runtime processes on postgres', () => {
  let cluster: Cluster;
  let admin: string;
  let rep: string;
  let manager: string;
  const direct = (i: number) => (cluster.runtimes[i] as { url: string }).url;

  beforeAll(async () => {
    // 0.0005 h = 1.8 s to accept, then 1.8 s to the re-route, where nobody else may take it
    cluster = await startCluster({ runtimes: 2, runtimeWorkers: 2, env: { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000', PIPEWRIGHT_PLUGIN_HANDOFF_ACCEPTANCE_HOURS: '0.0005', PIPEWRIGHT_PLUGIN_HANDOFF_REROUTE_AFTER_HOURS: '0.0005' } });
    admin = cluster.adminToken;
    rep = (await cluster.newUser(['rep'])).userId;
    manager = (await cluster.newUser(['manager'])).userId;
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('publishes each handoff kind\'s process once among the processes that started together', async () => {
    const { rows } = await cluster.db.query<{ process_id: string; n: string }>('select process_id, count(*)::text as n from process_versions where process_id = any($1) group by process_id order by process_id', [KINDS]);
    expect(rows).toEqual(KINDS.map((id) => ({ process_id: id, n: '1' })));
  });

  it('escalates once and expires once per handoff, whichever process\'s worker takes each SLA step', async () => {
    const rule = await call(direct(0), admin, 'POST', '/api/records/handoff.routing_rule', { data: { name: 'To the rep', position: 1, applies_to: 'marketing_to_sales', strategy: 'round_robin', users: [rep] }, owner: null, orgUnit: null });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await call(direct(i % 2), admin, 'POST', '/api/records/handoff.handoff', { data: { kind: 'marketing_to_sales', summary: `Cluster handoff ${i}` } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push((res.body as { id: string }).id);
    }
    const stages = async () => (await cluster.db.query<{ stage: string }>('select stage from records where id = any($1)', [ids])).rows.map((r) => r.stage);
    for (let i = 0; i < 240 && !(await stages()).every((s) => s === 'expired'); i++) await sleep(500);
    expect(await stages()).toEqual(ids.map(() => 'expired'));
    // a while later nothing more happened
    await sleep(3000);
    const count = async (kind: string, user: string) => (await cluster.db.query<{ record_id: string; n: string }>('select record_id, count(*)::text as n from notifications where kind = $1 and user_id = $2 and record_id = any($3) group by record_id', [kind, user, ids])).rows;
    const once = ids.map((id) => ({ record_id: id, n: '1' }));
    const sorted = (rows: { record_id: string; n: string }[]) => [...rows].sort((a, b) => a.record_id.localeCompare(b.record_id));
    expect(sorted(await count('handoff.handoff-escalated', manager))).toEqual(sorted(once));
    const sender = (await cluster.db.query<{ user_id: string }>("select user_id from api_tokens where created_by = 'system:cluster-test' order by created_at limit 1")).rows[0]?.user_id as string;
    expect(sorted(await count('handoff.handoff-expired', sender))).toEqual(sorted(once));
    expect(sorted(await count('handoff.handoff-expired-receiver', rep))).toEqual(sorted(once));
    const history = await cluster.db.query<{ record_id: string; stages: string }>("select record_id, string_agg(stage, ',' order by entered_at) as stages from stage_history where record_id = any($1) group by record_id", [ids]);
    expect(history.rows.map((r) => r.stages)).toEqual(ids.map(() => 'sent,expired'));
    const versions = await cluster.db.query<{ version: number }>('select version from records where id = any($1)', [ids]);
    // created, routed, escalated_at, expired: nothing written twice
    expect(versions.rows.map((r) => r.version)).toEqual(ids.map(() => 4));
    // Who ran the SLA steps (printed, not asserted: the queue decides).
    const steps = [...cluster.runtimes, cluster.worker].map((r) => `${r.name}=${(r.output().match(/acceptance SLA/g) ?? []).length}`);
    console.log(`[cluster] handoff SLA steps by process: ${steps.join(' ')}`);
  });
});
