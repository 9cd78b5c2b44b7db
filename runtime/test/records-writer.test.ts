import { slaTimes } from '@pipewright/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../src/jobs/queue';
import { updateRecord } from '../src/records/writer';
import { backends, countRows, startServer, type Client, type TestServer } from './harness';
import { QUALIFIED, count, expectJson, move, publish, type Problem, type View } from './process/helpers';

type Deal = View & { createdAt: string; deletedAt: string | null };

const HOUR = 3_600_000;
/** A process whose stages all have different SLAs, so each stay's deadline and timers show which stage opened it. */
const v1 = {
  id: 'writer_test',
  label: 'Writer test',
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [
    { id: 'a', label: 'A', kind: 'open', sla: { maxDuration: 'PT1H', warnBefore: 'PT10M' } },
    { id: 'b', label: 'B', kind: 'open', sla: { maxDuration: 'PT3H', warnBefore: 'PT1H' } },
    { id: 'c', label: 'C', kind: 'open', sla: { maxDuration: 'PT5H' } },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'ab', from: 'a', to: 'b' },
    { id: 'bc', from: 'b', to: 'c' },
    { id: 'win', from: 'c', to: 'won' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
};
const v2 = {
  ...v1,
  stages: [...v1.stages.slice(0, 2), { id: 'd', label: 'D', kind: 'open', sla: { maxDuration: 'PT7H', warnBefore: 'PT2H' } }, ...v1.stages.slice(3)],
  transitions: [{ id: 'ab', from: 'a', to: 'b' }, { id: 'bd', from: 'b', to: 'd' }, { id: 'win', from: 'd', to: 'won' }, { id: 'lose', from: '*', to: 'lost' }],
};

/** ADR 016: the behaviour the one writer merged (one stay opener, one reference check) and its compare-and-set. */
describe.each(backends())('the record writer on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let otherRep: Client;
  const db = () => server.platform.database.db;
  const writes = async () => ({ ...(await countRows(server.platform)), history: await count(server, 'stage_history') });
  const staysOf = (id: string) => db().selectFrom('stage_history').selectAll().where('record_id', '=', id).orderBy('id').execute();
  const timersOf = async (historyId: string) =>
    (await sql<{ kind: string; start_after: Date }>`select data->>'kind' as kind, start_after from ${sql.table(`${server.platform.processes.queue.schema}.job`)} where name = ${QUEUES.sla} and data->>'historyId' = ${String(historyId)} order by 1`.execute(db())).rows.map((r) => [r.kind, new Date(r.start_after).getTime()]);
  const ms = (t: Date | string | null) => (t === null ? null : new Date(t).getTime());
  const account = async (c: Pick<Client, 'api'>, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => (await expectJson<View>(c.api('/api/records/crm.account', { method: 'POST', json: { data, ...extra } }), 201)).id;

  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    otherRep = server.as('other-rep');
    await expectJson(server.api('/api/processes', { method: 'POST', json: v1 }), 201);
    await publish(server.api, 'writer_test');
  });
  afterAll(() => server?.close());

  it('opens every stay one way: create, transition and migration with the stage deadline and its timers, import with the deadline only', async () => {
    const deal = await expectJson<Deal>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Timed' }, process: 'writer_test' } }), 201);
    const [first] = await staysOf(deal.id);
    const t0 = Date.parse(deal.createdAt);
    expect(first).toMatchObject({ stage: 'a', from_stage: null, transition_id: null, exited_at: null, process_version: 1, snapshot: { name: 'Timed' } });
    expect([ms(first!.entered_at), ms(first!.due_at)]).toEqual([t0, t0 + HOUR]);
    expect(await timersOf(first!.id)).toEqual([['breach', t0 + HOUR], ['warn', t0 + 50 * 60_000]]);

    const ab = await expectJson<{ transition: { historyId: string; at: string; dueAt: string } }>(move(rep.api, deal.id, 1, { to: 'b', data: { next_step: 'Call' } }), 200);
    const t1 = Date.parse(ab.transition.at);
    const bc = await expectJson<{ transition: { historyId: string; at: string } }>(move(rep.api, deal.id, 2, { to: 'c' }), 200);
    const t2 = Date.parse(bc.transition.at);
    const [, second, third] = await staysOf(deal.id);
    expect(second).toMatchObject({ stage: 'b', from_stage: 'a', transition_id: 'ab', snapshot: { name: 'Timed', next_step: 'Call' } });
    expect([String(second!.id), ms(second!.due_at), ms(second!.exited_at), Date.parse(ab.transition.dueAt)]).toEqual([ab.transition.historyId, t1 + 3 * HOUR, t2, t1 + 3 * HOUR]);
    expect(await timersOf(second!.id)).toEqual([['breach', t1 + 3 * HOUR], ['warn', t1 + 2 * HOUR]]);
    expect([third!.stage, ms(third!.due_at), third!.exited_at]).toEqual(['c', t2 + 5 * HOUR, null]);
    expect(await timersOf(third!.id)).toEqual([['breach', t2 + 5 * HOUR]]);

    await expectJson(server.api('/api/processes/writer_test', { method: 'PUT', headers: { 'if-match': '"1"' }, json: v2 }), 200);
    expect(await publish(server.api, 'writer_test')).toBe(2);
    const report = await expectJson<{ moved: number }>(server.api('/api/processes/writer_test/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 2, stageMapping: { c: 'd' }, dryRun: false } }), 201);
    expect(report.moved).toBe(1);
    const stays = await staysOf(deal.id);
    const migrated = stays[3]!;
    const t3 = ms(migrated.entered_at) as number;
    expect(stays.map((s) => [s.stage, s.process_version, s.exited_at === null])).toEqual([['a', 1, false], ['b', 1, false], ['c', 1, false], ['d', 2, true]]);
    expect([migrated.from_stage, ms(stays[2]!.exited_at), ms(migrated.due_at), migrated.snapshot]).toEqual(['c', t3, t3 + 7 * HOUR, { name: 'Timed', next_step: 'Call' }]);
    expect(await timersOf(migrated.id)).toEqual([['breach', t3 + 7 * HOUR], ['warn', t3 + 5 * HOUR]]);
    const moved = await expectJson<Deal>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200);
    expect([moved.stage, moved.version]).toEqual(['d', 4]);

    const imported = await expectJson<{ importedRows: number }>(server.api('/api/imports', { method: 'POST', json: { mapping: { entity: 'pipeline.deal', fields: { name: 'name', $stage: 'stage' } }, csv: 'name,stage\nBrought in,engaging\n' } }), 201);
    expect(imported.importedRows).toBe(1);
    const row = await db().selectFrom('records').selectAll().where(sql<boolean>`data->>'name' = 'Brought in'`).executeTakeFirstOrThrow();
    const [stay] = await staysOf(row.id);
    const at = new Date(stay!.entered_at);
    expect([stay!.stage, stay!.process_id, ms(stay!.due_at)]).toEqual(['engaging', 'new_business', slaTimes({ maxDays: 45, warnBefore: 'P7D' }, at)!.dueAt.getTime()]);
    expect(await timersOf(stay!.id)).toEqual([]);
  });

  it('checks references once for create, edit and a transition patch, keeping every refusal and writing nothing', async () => {
    const shared = await account(server, { name: 'Shared Co', status: 'active' }, { owner: null, orgUnit: null });
    const hidden = await account(otherRep, { name: 'Hidden Co', status: 'active' });
    const gone = await account(rep, { name: 'Gone Co', status: 'active' });
    expect((await rep.api(`/api/records/crm.account/${gone}`, { method: 'DELETE', headers: { 'if-match': '"1"' } })).status).toBe(204);
    const missing = '00000000-0000-4000-8000-000000000000';
    const before = await writes();
    const pointers = (p: Problem) => (p.errors ?? []).map((e) => e.pointer).sort();

    const all = await expectJson<Problem>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Refs', account_id: hidden, product_id: missing, decision_maker_id: shared }, owner: 'nobody', orgUnit: 'no-unit' } }), 422);
    expect([all.code, pointers(all)]).toEqual(['record.unknown-reference', ['/data/account_id', '/data/decision_maker_id', '/data/product_id', '/orgUnit', '/owner']]);
    for (const id of [gone, missing]) {
      const p = await expectJson<Problem>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Refs', account_id: id } } }), 422);
      expect([p.code, pointers(p)]).toEqual(['record.unknown-reference', ['/data/account_id']]);
    }
    expect(await writes()).toEqual(before);

    const deal = await expectJson<Deal>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Refs ok', account_id: shared } } }), 201);
    const afterCreate = await writes();
    const patch = await expectJson<Problem>(rep.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { account_id: hidden }, owner: 'nobody' } }), 422);
    expect([patch.code, pointers(patch)]).toEqual(['record.unknown-reference', ['/data/account_id', '/owner']]);
    const moveRefs = await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'engaging', data: { ...QUALIFIED, account_id: gone, decision_maker_id: missing } }), 422);
    expect([moveRefs.code, pointers(moveRefs)]).toEqual(['record.unknown-reference', ['/data/account_id', '/data/decision_maker_id']]);
    expect(await writes()).toEqual(afterCreate);
    const moved = await expectJson<{ record: Deal }>(move(rep.api, deal.id, 1, { to: 'engaging', data: { ...QUALIFIED, account_id: shared } }), 200);
    expect(moved.record.version).toBe(2);
  });

  it('writes a change only at the version it was read at (compare-and-set), with its event; soft delete and restore alike', async () => {
    const deal = await expectJson<Deal>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'CAS' }, process: 'writer_test' } }), 201);
    const read = await db().selectFrom('records').selectAll().where('id', '=', deal.id).executeTakeFirstOrThrow();
    await expectJson(rep.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { next_step: 'Newer' } } }), 200);
    const before = await writes();
    const actor = { id: 'system:test' };
    const lost = await db().transaction().execute((tx) => updateRecord(tx, read, { data: { name: 'Stale write' } }, { action: 'update', actor, at: new Date() }));
    expect(lost).toBeNull();
    expect(await writes()).toEqual(before);
    expect((await expectJson<Deal>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).data).toEqual({ name: 'CAS', next_step: 'Newer' });

    const current = await db().selectFrom('records').selectAll().where('id', '=', deal.id).executeTakeFirstOrThrow();
    const deleted = await db().transaction().execute((tx) => updateRecord(tx, current, { deleted: true }, { action: 'delete', actor, at: new Date() }));
    expect([deleted?.before.version, deleted?.after.version, deleted?.after.deletedAt !== null, deleted?.after.data]).toEqual([2, 3, true, { name: 'CAS', next_step: 'Newer' }]);
    expect((await rep.api(`/api/records/pipeline.deal/${deal.id}`)).status).toBe(404);
    const gone = await db().selectFrom('records').selectAll().where('id', '=', deal.id).executeTakeFirstOrThrow();
    const restored = await db().transaction().execute((tx) => updateRecord(tx, gone, { deleted: false }, { action: 'restore', actor, at: new Date() }));
    expect([restored?.after.version, restored?.after.deletedAt]).toEqual([4, null]);
    const events = await db().selectFrom('events').select(['action', 'actor', 'before', 'after']).where('record_id', '=', deal.id).orderBy('id').execute();
    expect(events.map((e) => [e.action, e.actor, (e.before as unknown as Deal | null)?.version ?? null, (e.after as unknown as Deal).version])).toEqual([
      ['create', `user:${rep.userId}`, null, 1],
      ['update', `user:${rep.userId}`, 1, 2],
      ['delete', 'system:test', 2, 3],
      ['restore', 'system:test', 3, 4],
    ]);
    expect(await writes()).toEqual({ ...before, events: before.events + 2 });
  });
});
