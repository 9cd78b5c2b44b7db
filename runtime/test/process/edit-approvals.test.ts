import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugins, memorySource } from '@pipewright/core';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { expectJson, legacyDeal, type Problem, type View } from './helpers';
import { EntityApprovals } from '../../src/process/edit-approvals';

interface Approval {
  id: string;
  kind: string;
  record: { id: string; type: string; title: string };
  to: string | null;
  requester: string | null;
  approvers: string[];
  required: number;
  edit: { rule: string; label: { en: string; 'zh-CN': string }; fields: string[]; before: Record<string, unknown>; after: Record<string, unknown> } | null;
  status: string;
  reason: string | null;
}

const money = (amount: number) => ({ amount, currency: 'USD' });

/**
 * Approvals of record changes outside transitions (ADR 028 addendum): the pipeline plugin's deal
 * declares `amount_cut` (expected value lowered by more than 20% waits for the owner's manager).
 */
describe.each(backends())('approvals of record changes on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let manager: Client;

  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    manager = server.as('manager');
    await server.seedOrg();
  });
  afterAll(() => server?.close());

  const deal = (name: string, amount: number) => legacyDeal(server, { name, amount: money(amount) });
  const patch = (c: Client, d: { id: string; version: number }, data: Record<string, unknown>) => c.api(`/api/records/pipeline.deal/${d.id}`, { method: 'PATCH', headers: { 'if-match': `"${d.version}"` }, json: { data } });
  const read = (id: string) => expectJson<View & { version: number; data: { amount?: { amount: number }; notes?: string } }>(server.api(`/api/records/pipeline.deal/${id}`), 200);
  const decide = (c: Client, id: string, body: Record<string, unknown>) => c.api(`/api/approvals/${id}/decisions`, { method: 'POST', json: body });
  const notices = (user: string, kind: string, record: string) => server.platform.database.db.selectFrom('notifications').select(['title', 'data']).where('user_id', '=', user).where('kind', '=', kind).where('record_id', '=', record).execute();

  it('writes a change below the threshold at once', async () => {
    const d = await deal('Small Cut Co', 10000);
    const saved = await expectJson<View & { version: number }>(patch(rep, d, { amount: money(8500), notes: 'small cut' }), 200);
    expect(saved.version).toBe(d.version + 1);
    expect((await read(d.id)).data.amount?.amount).toBe(8500);
    expect(await server.platform.database.db.selectFrom('approval_requests').select('id').where('record_id', '=', d.id).execute()).toEqual([]);
  });

  it('holds a cut above 20% (202, nothing written), tells the manager, refuses a second request, and applies it as the rep once approved', async () => {
    const d = await deal('Big Cut Co', 10000);
    const held = await patch(rep, d, { amount: money(5000), notes: 'customer cut the budget' });
    expect(held.status).toBe(202);
    const body = (await held.json()) as { approval: Approval; record: View & { version: number } };
    expect(body.approval).toMatchObject({ kind: 'edit', status: 'pending', to: null, requester: 'rick-rep', approvers: ['mia-manager'], required: 1, record: { id: d.id, title: 'Big Cut Co' } });
    expect(body.approval.edit).toMatchObject({ rule: 'amount_cut', label: { en: 'Expected value lowered by more than 20%', 'zh-CN': '预期金额下调超过 20%' }, before: { amount: money(10000), notes: null }, after: { amount: money(5000), notes: 'customer cut the budget' } });
    expect(body.approval.edit?.fields.sort()).toEqual(['amount', 'notes']);
    expect(body.record.version).toBe(d.version);
    const unchanged = await read(d.id);
    expect([unchanged.version, unchanged.data.amount?.amount, unchanged.data.notes]).toEqual([d.version, 10000, undefined]);
    const told = await notices('mia-manager', 'approval-request', d.id);
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0]?.data)).toContain('待审批：Big Cut Co 的修改（预期金额下调超过 20%）');
    const events = await server.platform.database.db.selectFrom('events').select(['action', 'actor']).where('record_id', '=', d.id).orderBy('id').execute();
    expect(events).toEqual([{ action: 'approval.request', actor: 'user:rick-rep' }]);

    const again = await expectJson<Problem>(patch(rep, d, { amount: money(4000) }), 409);
    expect(again.code).toBe('approval.pending');
    expect(again.type ?? '').not.toBe('');
    expect((await expectJson<{ items: Approval[] }>(manager.api('/api/approvals'), 200)).items.map((a) => a.id)).toContain(body.approval.id);

    const decided = await expectJson<Approval>(decide(manager, body.approval.id, { decision: 'approve', comment: 'Budget cut confirmed' }), 200);
    expect(decided.status).toBe('approved');
    const applied = await read(d.id);
    expect([applied.version, applied.data.amount?.amount, applied.data.notes]).toEqual([d.version + 1, 5000, 'customer cut the budget']);
    const update = await server.platform.database.db.selectFrom('events').select(['actor', 'meta']).where('record_id', '=', d.id).where('action', '=', 'update').executeTakeFirstOrThrow();
    expect(update.actor).toBe('user:rick-rep');
    expect(JSON.stringify(update.meta)).toContain(body.approval.id);
    expect(await notices('rick-rep', 'approval-approved', d.id)).toHaveLength(1);
  });

  it('ends on a rejection, which needs a reason, and leaves the record as it was', async () => {
    const d = await deal('Rejected Cut Co', 20000);
    const { approval } = await expectJson<{ approval: Approval }>(patch(rep, d, { amount: money(1000) }), 202);
    const bad = await expectJson<Problem>(decide(manager, approval.id, { decision: 'reject' }), 422);
    expect(bad.errors?.map((e) => e.pointer)).toEqual(['/comment']);
    const rejected = await expectJson<Approval>(decide(manager, approval.id, { decision: 'reject', comment: 'Keep the price' }), 200);
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'Keep the price' });
    const after = await read(d.id);
    expect([after.version, after.data.amount?.amount]).toEqual([d.version, 20000]);
    expect((await notices('rick-rep', 'approval-rejected', d.id)).map((n) => n.title)).toEqual(['Rejected: change of Rejected Cut Co']);
    // after a rejection the rep may ask again
    expect((await patch(rep, d, { amount: money(1000) })).status).toBe(202);
  });

  it('fails an approved change when the record changed since, saying why', async () => {
    const d = await deal('Stale Cut Co', 30000);
    const { approval } = await expectJson<{ approval: Approval }>(patch(rep, d, { amount: money(3000) }), 202);
    // a change no approval applies to goes through meanwhile
    await expectJson(patch(rep, d, { notes: 'edited meanwhile' }), 200);
    const failed = await expectJson<Approval>(decide(manager, approval.id, { decision: 'approve' }), 200);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toBe('The record changed after the request; ask for the change again.');
    const after = await read(d.id);
    expect([after.version, after.data.amount?.amount, after.data.notes]).toEqual([d.version + 1, 30000, 'edited meanwhile']);
    expect(await notices('rick-rep', 'approval-failed', d.id)).toHaveLength(1);
  });

  it('refuses a change nobody but the requester could approve, and a plugin write the approval applies to', async () => {
    const d = await legacyDeal(server, { name: 'Manager Cut Co', amount: money(9000) }, 'mia-manager');
    const p = await expectJson<Problem>(patch(manager, d, { amount: money(100) }), 409);
    expect(p.code).toBe('approval.no-approvers');
    expect((await read(d.id)).data.amount?.amount).toBe(9000);
    const who = await server.platform.database.db.selectFrom('users').select('id').where('id', '=', 'rick-rep').executeTakeFirstOrThrow();
    expect(who.id).toBe('rick-rep');
    const e = await deal('Plugin Cut Co', 9000);
    const { loadUserPrincipal } = await import('../../src/auth/load-principal');
    const rick = await loadUserPrincipal(server.platform.database.db, 'rick-rep', { via: 'session', credentialId: 'test' });
    await expect(server.platform.store.update('pipeline.deal', e.id, { data: { amount: money(10) } }, e.version, rick!)).rejects.toMatchObject({ code: 'approval.required', status: 409 });
  });

  it('documents the held answer in the OpenAPI document', async () => {
    const doc = await expectJson<{ paths: Record<string, { patch?: { responses: Record<string, unknown> } }> }>(server.api('/openapi.json'), 200);
    expect(Object.keys(doc.paths['/api/records/pipeline.deal/{id}']?.patch?.responses ?? {})).toEqual(expect.arrayContaining(['200', '202', '409']));
    expect(Object.keys(doc.paths['/api/records/crm.account/{id}']?.patch?.responses ?? {})).not.toContain('202');
  });
});

describe('entity approvals are checked when plugins load', () => {
  const manifest = { id: 'acme', name: 'Acme', version: '1.0.0', apiVersion: 1, contributes: { entities: ['schemas/ticket.schema.json'] } };
  const ticket = (approvals: unknown[]) => ({ id: 'ticket', label: 'Ticket', labelPlural: 'Tickets', titleField: 'title', schema: { type: 'object', properties: { title: { type: 'string' }, price: { type: 'number' } } }, approvals });
  const load = (approvals: unknown[]) => loadPlugins([memorySource('acme', { 'plugin.json': manifest, 'schemas/ticket.schema.json': ticket(approvals) })]);
  const base = { id: 'cut', label: { en: 'Cut', 'zh-CN': '下调' }, fields: ['price'], approvers: [{ role: 'manager' }] };

  it('names the bad part: an unknown field, a condition over unknown fields, a bad timeout, a label without Chinese', async () => {
    await expect(load([{ ...base, fields: ['cost'] }])).rejects.toMatchObject({ code: 'plugin.invalid-entity-approval', pointer: '/approvals/0/fields/0' });
    await expect(load([{ ...base, when: { '<': [{ var: 'new.cost' }, 1] } }])).rejects.toMatchObject({ code: 'plugin.invalid-entity-approval', pointer: expect.stringMatching(/^\/approvals\/0\/when/) });
    await expect(load([{ ...base, timeout: 'soon' }])).rejects.toMatchObject({ pointer: '/approvals/0/timeout' });
    await expect(load([{ ...base, label: { en: 'Cut' } }])).rejects.toMatchObject({ code: 'plugin.invalid-document', message: expect.stringContaining('/approvals/0/label') });
    await expect(load([base, { ...base }])).rejects.toMatchObject({ pointer: '/approvals/1/id' });
    const ok = await load([{ ...base, when: { '<': [{ var: 'new.price' }, { var: 'old.price' }] } }]);
    expect(ok.entity('acme.ticket').approvals?.[0]?.id).toBe('cut');
  });

  it('refuses, when the runtime starts, a role no user can hold; and decides which approval a change needs', async () => {
    const pope = await load([{ ...base, approvers: [{ role: 'pope' }] }]);
    expect(() => new EntityApprovals(pope)).toThrow(expect.objectContaining({ code: 'plugin.invalid-entity-approval', pointer: '/approvals/0/approvers/0/role' }));
    const registry = await load([{ ...base, when: { '<': [{ var: 'new.price' }, { '*': [{ var: 'old.price' }, 0.8] }] } }]);
    const gate = new EntityApprovals(registry);
    const entity = registry.entity('acme.ticket');
    expect(gate.needs(entity, { title: 'a', price: 100 }, { title: 'a', price: 90 })).toBeNull();
    expect(gate.needs(entity, { title: 'a', price: 100 }, { title: 'b', price: 100 })).toBeNull();
    expect(gate.needs(entity, { title: 'a', price: 100 }, { title: 'b', price: 50 })).toEqual({ approval: expect.objectContaining({ id: 'cut' }), change: { before: { title: 'a', price: 100 }, after: { title: 'b', price: 50 } } });
  });
});
