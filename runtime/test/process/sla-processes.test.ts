import PgBoss from 'pg-boss';
import { describe, expect, it } from 'vitest';
import { childRuntimes, client } from './child';
import { SLA_PROCESS, eventually } from './helpers';

const URL_ = process.env.TEST_DATABASE_URL;

describe.runIf(URL_)('SLA timers across a kill -9 and two runtime processes on one PostgreSQL', () => {
  const runtimes = childRuntimes(URL_ as string);

  it('breaches each overdue stay exactly once, whichever process and however many deliveries', async () => {
    const { db, first, token } = await runtimes.open();
    const api = client(first.url, token);
    const process = { ...SLA_PROCESS, stages: SLA_PROCESS.stages.map((s) => (s.id === 'fast' ? { ...s, sla: { maxDuration: 'PT4S', escalateTo: { role: 'manager' } } } : s)) };
    expect((await api('/api/processes', { method: 'POST', json: process })).status).toBe(201);
    expect((await api('/api/processes/sla_test/publish', { method: 'POST' })).status).toBe(201);
    const deals: string[] = [];
    for (let i = 0; i < 12; i++) {
      // A new deal starts in the process's start stage, its SLA timers scheduled with the create.
      const res = await api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: `Late ${i}` }, owner: 'rep', process: 'sla_test' } });
      expect(res.status).toBe(201);
      const created = (await res.json()) as { id: string };
      deals.push(created.id);
    }
    // The process that scheduled the timers dies before they are due.
    first.child.kill('SIGKILL');
    await new Promise<void>((r) => (first.child.exitCode === null && first.child.signalCode === null ? first.child.once('exit', () => r()) : r()));
    const [a, b] = await Promise.all([runtimes.start(), runtimes.start()]);
    // Two more deliveries of every breach timer, racing on the two processes' workers.
    const boss = new PgBoss({ connectionString: db.url, schema: 'pgboss', max: 2 });
    boss.on('error', () => {});
    await boss.start();
    const stays = await db.query<{ id: string }>(`select id::text as id from stage_history where stage = 'fast'`);
    for (let round = 0; round < 2; round++) for (const s of stays) await boss.send('pw_sla', { historyId: s.id, kind: 'breach' });
    await boss.stop({ graceful: false, wait: true });

    const q = db;
    await eventually(async () => Number((await q.query<{ n: string }>('select count(*) as n from sla_breaches'))[0]?.n) === deals.length, 30_000, 250);
    await new Promise((r) => setTimeout(r, 2000));
    const per = await q.query<{ record_id: string; n: string }>('select record_id, count(*) as n from sla_breaches group by record_id');
    expect(per.map((r) => r.record_id).sort()).toEqual([...deals].sort());
    expect(per.every((r) => r.n === '1')).toBe(true);
    const notes = await q.query<{ kind: string; user_id: string; n: string }>(`select kind, user_id, count(*) as n from notifications group by kind, user_id order by kind`);
    expect(notes.map((n) => [n.kind, n.user_id, Number(n.n)])).toEqual([['sla-breach', 'rep', 12], ['sla-escalation', 'mgr', 12]]);
    expect(Number((await q.query<{ n: string }>(`select count(*) as n from events where action = 'sla.breach'`))[0]?.n)).toBe(12);
    const handlers = await q.query<{ handled_by: string }>('select distinct handled_by from sla_breaches');
    console.log(`SLA breaches handled by: ${handlers.map((h) => h.handled_by).join(', ')}`);
    expect(handlers.every((h) => [a, b].some((s) => h.handled_by.endsWith(`:${s.child.pid}`)))).toBe(true);
  }, 90_000);
});
