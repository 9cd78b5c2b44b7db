import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/jobs/queue';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { SLA_PROCESS, count, eventually, expectJson, legacyDeal, move, publish } from './helpers';

process.env.PIPEWRIGHT_JOB_POLL_SECONDS = '0.5';

describe.each(backends())('SLA timers on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    await expectJson(server.api('/api/processes', { method: 'POST', json: SLA_PROCESS }), 201);
    await publish(server.api, 'sla_test');
    await server.platform.processes.startWorkers(1);
  });
  afterAll(() => server?.close());

  it('raises one breach for a record that overstays: owner notified, manager escalated, event written; a re-delivered timer changes nothing', async () => {
    const late = await legacyDeal(server, { name: 'Slow deal' });
    const entered = await expectJson<{ transition: { historyId: string; dueAt: string } }>(move(rep.api, late.id, 1, { to: 'fast', process: 'sla_test' }), 200);
    const onTime = await legacyDeal(server, { name: 'Quick deal' });
    await expectJson(move(rep.api, onTime.id, 1, { to: 'fast', process: 'sla_test' }), 200);
    await expectJson(move(rep.api, onTime.id, 2, { to: 'next' }), 200);
    expect(Date.parse(entered.transition.dueAt) - Date.now()).toBeLessThan(2100);

    const breaches = () => server.platform.database.db.selectFrom('sla_breaches').selectAll().execute();
    await eventually(async () => (await breaches()).length === 1, 20_000);
    const [breach] = await breaches();
    expect(breach).toMatchObject({ record_id: late.id, stage: 'fast', escalated_to: ['mia-manager'] });
    const repNotes = await expectJson<{ items: { kind: string; record: { id: string } }[] }>(rep.api('/api/notifications'), 200);
    expect(repNotes.items.filter((n) => n.record?.id === late.id).map((n) => n.kind).sort()).toEqual(['sla-breach', 'sla-warning']);
    expect(repNotes.items.filter((n) => n.record?.id === onTime.id)).toEqual([]);
    const mgrNotes = await expectJson<{ items: { kind: string; record: { id: string } }[] }>(server.as('manager').api('/api/notifications'), 200);
    expect(mgrNotes.items.filter((n) => n.kind === 'sla-escalation').map((n) => n.record.id)).toEqual([late.id]);
    const events = await expectJson<{ items: { action: string; actor: string }[] }>(rep.api(`/api/records/pipeline.deal/${late.id}/events`), 200);
    expect(events.items.filter((e) => e.action === 'sla.breach')).toEqual([expect.objectContaining({ actor: 'system:sla' })]);

    const notes = await count(server, 'notifications');
    for (let i = 0; i < 3; i++) await server.platform.processes.queue.send(QUEUES.sla, { historyId: entered.transition.historyId, kind: 'breach' });
    await server.platform.processes.queue.send(QUEUES.sla, { historyId: entered.transition.historyId, kind: 'warn' });
    await new Promise((r) => setTimeout(r, 2500));
    expect(await breaches()).toHaveLength(1);
    expect(await count(server, 'notifications')).toBe(notes);
    const pipeline = await expectJson<{ items: { record: string; reasons: string[] }[] }>(rep.api('/api/pipeline/stuck?process=sla_test'), 200);
    expect(pipeline.items.map((i) => [i.record, i.reasons])).toEqual([[late.id, ['sla']]]);
  });
});
