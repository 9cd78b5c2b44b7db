import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type Client, type TestServer } from '../harness';
import { QUALIFIED, count, createDeal, expectJson, move, publish, type Problem, type View } from './helpers';

interface Moved {
  record: View & { process: { id: string; version: number } };
  transition: { from: string | null; to: string; transition: string | null; historyId: string; actions: number; move: string };
}
interface History {
  items: { stage: string; from: string | null; enteredAt: string; exitedAt: string | null; enteredBy: string; exitedBy: string | null; version: number }[];
}

describe.each(backends())('transitions over HTTP on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let account: View;
  const qualified = () => ({ ...QUALIFIED, account_id: account.id });
  const writes = async () => ({ ...(await countRows(server.platform)), history: await count(server, 'stage_history'), keys: await count(server, 'idempotency_keys') });

  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Acme', status: 'active' }, owner: null, orgUnit: null } }), 201);
  });
  afterAll(() => server?.close());

  it('moves a deal in one transaction: stage, version, history with times and actor, audit event, actions enqueued', async () => {
    const deal = await createDeal(rep.api, { name: 'Acme expansion' }, { stage: 'prospecting' });
    const queued = await server.platform.processes.queue.boss.getQueueSize('pw_actions');
    const res = await move(rep.api, deal.id, 1, { to: 'engaging', data: qualified() });
    expect(res.headers.get('etag')).toBe('"2"');
    const body = await expectJson<Moved>(res, 200);
    expect(body.record).toMatchObject({ stage: 'engaging', version: 2, process: { id: 'new_business', version: 1 }, data: { next_step: 'Call the CFO' } });
    expect(body.transition).toMatchObject({ from: 'prospecting', to: 'engaging', transition: 'qualify', actions: 1, move: 'transition' });
    const history = await expectJson<History>(rep.api(`/api/deals/${deal.id}/history`), 200);
    expect(history.items.map((h) => [h.stage, h.from, h.exitedAt !== null])).toEqual([['prospecting', null, true], ['engaging', 'prospecting', false]]);
    expect(history.items[1]?.enteredBy).toBe(`user:${rep.userId}`);
    expect(history.items[0]?.exitedAt).toBe(history.items[1]?.enteredAt);
    const events = await expectJson<{ items: { action: string; meta: Record<string, unknown> | null; actor: string }[] }>(rep.api(`/api/records/pipeline.deal/${deal.id}/events`), 200);
    const last = events.items[events.items.length - 1];
    expect(last).toMatchObject({ action: 'transition', actor: `user:${rep.userId}`, meta: { process: 'new_business', version: 1, from: 'prospecting', to: 'engaging', transition: 'qualify' } });
    expect(await server.platform.processes.queue.boss.getQueueSize('pw_actions')).toBe(queued + 1);
    const stays = await expectJson<{ items: { record: string; stage: string; enteredAt: string; dueAt: string | null }[] }>(rep.api(`/api/pipeline/stays?ids=${deal.id},${account.id}`), 200);
    expect(stays.items).toEqual([{ record: deal.id, stage: 'engaging', enteredAt: history.items[1]?.enteredAt, dueAt: expect.any(String) }]);
    expect((await expectJson<{ items: unknown[] }>(server.as('other-rep').api(`/api/pipeline/stays?ids=${deal.id}`), 200)).items).toEqual([]);
    expect((await rep.api('/api/pipeline/stays?ids=nope')).status).toBe(400);
  });

  it('answers a failed guard with 422 and the rule engine explanation, writing nothing', async () => {
    const deal = await createDeal(rep.api, { name: 'Guarded', ...qualified() }, { stage: 'prospecting' });
    await expectJson(move(rep.api, deal.id, 1, { to: 'engaging' }), 200);
    const before = await writes();
    const p = await expectJson<Problem & { explanation: { passed: boolean; sentence: string; children: unknown[] }; transition: string }>(move(rep.api, deal.id, 2, { to: 'proposal', data: { expected_close_date: '2024-01-01' } }), 422);
    expect(p.code).toBe('process.guard-failed');
    expect(p.detail).toBe('The expected close date cannot be before the engage date.');
    expect(p.transition).toBe('propose');
    expect(p.explanation.passed).toBe(false);
    expect(p.explanation.children.length).toBe(2);
    expect(await writes()).toEqual(before);
    expect((await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).data.expected_close_date).toBeUndefined();
  });

  it('answers unmet entry requirements with 422 listing the fields and a JSON Schema for exactly those', async () => {
    const deal = await createDeal(rep.api, { name: 'Thin', amount: { amount: 10, currency: 'USD' } }, { stage: 'prospecting' });
    const before = await writes();
    const p = await expectJson<Problem & { fields: string[]; schema: { required: string[]; properties: Record<string, unknown> } }>(move(rep.api, deal.id, 1, { to: 'engaging', data: { amount: { amount: 0, currency: 'USD' } } }), 422);
    expect(p.code).toBe('process.requirements-unmet');
    expect(p.fields.sort()).toEqual(['account_id', 'amount', 'engage_date', 'next_step']);
    expect(p.schema.required.sort()).toEqual(['account_id', 'amount', 'engage_date', 'next_step']);
    expect(p.schema.properties.amount).toMatchObject({ title: 'Expected value', properties: { amount: { exclusiveMinimum: 0 } } });
    expect(Object.keys(p.schema.properties).sort()).toEqual(p.fields.sort());
    expect(p.schema.properties.next_step).toMatchObject({ title: 'Next step', type: 'string', minLength: 1 });
    expect(p.errors?.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/data/account_id', '/data/amount/amount']));
    expect(await writes()).toEqual(before);
  });

  it('refuses moves the process does not allow, unknown stages, bad bodies and stale or missing versions', async () => {
    const deal = await createDeal(rep.api, { name: 'Strict' }, { stage: 'prospecting' });
    const before = await writes();
    const jump = await expectJson<Problem & { allowed: string[] }>(move(rep.api, deal.id, 1, { to: 'won' }), 422);
    expect([jump.code, jump.allowed]).toEqual(['process.transition-not-allowed', ['engaging', 'lost']]);
    expect((await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'nowhere' }), 422)).code).toBe('process.unknown-stage');
    expect((await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'engaging', transition: 'propose' }), 422)).code).toBe('process.transition-not-allowed');
    expect((await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'engaging', stage: 'won' }), 422)).code).toBe('body.unknown-member');
    // The body is checked against the declared schema (ADR 031 addendum): every member at fault is named by pointer in one answer.
    const both = await expectJson<Problem>(move(rep.api, deal.id, 1, { stage: 'won' }), 422);
    expect([both.code, both.errors?.map((e) => e.pointer).sort()]).toEqual(['body.invalid', ['/stage', '/to']]);
    const shapes = await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'Won!', transition: 5, process: 'x'.repeat(64) }), 422);
    expect([shapes.code, [...new Set(shapes.errors?.map((e) => e.pointer))].sort()]).toEqual(['body.invalid', ['/process', '/to', '/transition']]);
    // If-Match and Idempotency-Key are checked before the body.
    expect((await expectJson<Problem>(rep.api(`/api/deals/${deal.id}/transitions`, { method: 'POST', json: { stage: 'won' } }), 428)).code).toBe('precondition-required');
    expect((await expectJson<Problem>(move(rep.api, deal.id, 1, { stage: 'won' }, { 'idempotency-key': 'x'.repeat(256) }), 400)).code).toBe('idempotency.invalid-key');
    expect((await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'engaging', data: [1] }), 422)).code).toBe('body.invalid');
    expect((await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'engaging', data: { amount: 'lots' } }), 422)).code).toBe('record.invalid');
    expect((await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'engaging', data: { account_id: '00000000-0000-4000-8000-000000000000' } }), 422)).code).toBe('record.unknown-reference');
    expect((await expectJson<Problem & { currentVersion: number }>(move(rep.api, deal.id, 7, { to: 'lost' }), 412)).currentVersion).toBe(1);
    expect((await rep.api(`/api/deals/${deal.id}/transitions`, { method: 'POST', json: { to: 'lost' } })).status).toBe(428);
    expect((await rep.api(`/api/deals/${deal.id}/transitions`, { method: 'POST', headers: { 'if-match': '"1"', 'content-type': 'text/plain' }, body: 'to=lost' })).status).toBe(415);
    expect((await rep.api(`/api/deals/${deal.id}/transitions`, { method: 'POST', headers: { 'if-match': '"1"', 'content-type': 'application/json' }, body: '{"to":' })).status).toBe(400);
    expect((await move(rep.api, 'not-a-uuid', 1, { to: 'lost' })).status).toBe(404);
    expect(await writes()).toEqual(before);
  });

  it('obeys record visibility (404) and transition roles (403); managers may reopen', async () => {
    const deal = await createDeal(rep.api, { name: 'Private', ...qualified() }, { stage: 'prospecting' });
    const before = await writes();
    expect((await move(server.as('other-rep').api, deal.id, 1, { to: 'engaging' })).status).toBe(404);
    expect((await server.as('other-rep').api(`/api/deals/${deal.id}/history`)).status).toBe(404);
    expect((await move(server.as('colleague').api, deal.id, 1, { to: 'engaging' })).status).toBe(404);
    expect(await writes()).toEqual(before);
    await expectJson(move(rep.api, deal.id, 1, { to: 'lost', data: { close_date: '2025-02-01', lost_reason: 'price' } }), 200);
    const refused = await expectJson<Problem>(move(rep.api, deal.id, 2, { to: 'engaging' }), 403);
    expect(refused.detail).toContain('"manager"');
    const reopened = await expectJson<Moved>(move(server.as('manager').api, deal.id, 2, { to: 'engaging' }), 200);
    expect(reopened.transition).toMatchObject({ transition: 'reopen', actions: 3 });
  });

  it('allows implied backward moves without a guard, and refuses leaving a closed stage without a transition', async () => {
    const deal = await createDeal(rep.api, { name: 'Back and forth', ...qualified() }, { stage: 'prospecting' });
    await expectJson(move(rep.api, deal.id, 1, { to: 'engaging' }), 200);
    const back = await expectJson<Moved>(move(rep.api, deal.id, 2, { to: 'prospecting' }), 200);
    expect(back.transition).toMatchObject({ move: 'backward', transition: null, actions: 0 });
  });

  it('creates a record in the start stage of the default process, or of the process it names', async () => {
    const plain = await createDeal(rep.api, { name: 'Default' });
    expect(plain).toMatchObject({ stage: 'prospecting', process: { id: 'new_business', version: 1 } });
    expect((await expectJson<Problem>(move(rep.api, plain.id, 1, { to: 'prospecting' }), 422)).code).toBe('process.transition-not-allowed');
    expect((await expectJson<Problem>(move(rep.api, plain.id, 1, { to: 'due', process: 'renewal' }), 409)).code).toBe('process.already-attached');
    expect((await expectJson<Problem>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Renewal' }, process: 'renewal' } }), 422)).code).toBe('process.none-published');
    await publish(server.api, 'renewal');
    const renewal = await createDeal(rep.api, { name: 'Renewal', account_id: account.id }, { process: 'renewal' });
    expect(renewal).toMatchObject({ stage: 'due', process: { id: 'renewal', version: 1 } });
  });

  it('replays the stored response for a repeated Idempotency-Key and refuses the key for another request', async () => {
    const deal = await createDeal(rep.api, { name: 'Retry me', ...qualified() }, { stage: 'prospecting' });
    const headers = { 'idempotency-key': `k-${deal.id}` };
    const first = await move(rep.api, deal.id, 1, { to: 'engaging' }, headers);
    const firstBody = await expectJson<Moved>(first, 200);
    const again = await move(rep.api, deal.id, 1, { to: 'engaging' }, headers);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('etag')).toBe('"2"');
    expect(await expectJson<Moved>(again, 200)).toEqual(firstBody);
    const before = await writes();
    expect((await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'lost' }, headers), 422)).code).toBe('idempotency.key-reused');
    expect((await move(rep.api, deal.id, 1, { to: 'engaging' }, { 'idempotency-key': 'bad key with spaces' })).status).toBe(400);
    expect(await writes()).toEqual(before);
    const history = await expectJson<History>(rep.api(`/api/deals/${deal.id}/history`), 200);
    expect(history.items).toHaveLength(2);
  });
});
