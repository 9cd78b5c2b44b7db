import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { expectJson, legacyDeal, move, publish, type Problem, type View } from './helpers';
import { escalateApprovals } from '../../src/jobs/approval-timeouts';

interface Approval {
  id: string;
  record: { id: string; type: string; title: string };
  from: string | null;
  to: string;
  requester: string | null;
  approvers: string[];
  required: number;
  decisions: { user: string; decision: string; comment: string | null }[];
  status: string;
  reason: string | null;
}

/** Approvals on transitions (审批, ADR 027): a move whose approval applies is held until its approvers decide. */
describe.each(backends())('approvals on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let manager: Client;

  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    manager = server.as('manager');
    await server.seedOrg();
    const definition = {
      id: 'approval_test',
      label: 'Approval test',
      entity: 'pipeline.deal',
      initialStage: 'a',
      stages: [
        { id: 'a', label: 'A', kind: 'open' },
        { id: 'b', label: { en: 'Big deal review', 'zh-CN': '大单审核' }, kind: 'open' },
        { id: 'won', label: 'Won', kind: 'won', probability: 1 },
        { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
      ],
      transitions: [
        { id: 'advance', from: 'a', to: 'b', approval: { when: { '>': [{ var: 'amount.amount' }, 10000] }, approvers: [{ role: 'manager' }] } },
        { id: 'win', from: 'b', to: 'won' },
        { id: 'fast_win', from: 'a', to: 'won', approval: { approvers: [{ role: 'manager' }, { role: 'admin' }], mode: 'sequential' } },
        { id: 'lose', from: '*', to: 'lost' },
        { id: 'timed_loss', from: 'a', to: 'lost', approval: { approvers: [{ role: 'manager' }], timeout: 'PT1H' } },
      ],
    };
    await expectJson(server.api('/api/processes', { method: 'POST', json: definition }), 201);
    await publish(server.api, 'approval_test');
  });
  afterAll(() => server?.close());

  /** A deal of the rep's in stage a of the test process, with this amount. */
  const dealIn = async (name: string, amount: number, owner = 'rick-rep'): Promise<View> => {
    const d = await legacyDeal(server, { name, amount: { amount, currency: 'USD' } }, owner);
    const entered = await expectJson<{ record: View }>(move(owner === 'rick-rep' ? rep.api : manager.api, d.id, 1, { to: 'a', process: 'approval_test' }), 200);
    return entered.record;
  };
  const stageOf = async (id: string) => (await expectJson<View & { stage: string; version: number }>(server.api(`/api/records/pipeline.deal/${id}`), 200));
  const notices = (user: string, kind: string) => server.platform.database.db.selectFrom('notifications').select(['title', 'data', 'record_id']).where('user_id', '=', user).where('kind', '=', kind).execute();

  it('makes a move the approval does not apply to at once', async () => {
    const d = await dealIn('Small Co', 5000);
    const moved = await expectJson<{ record: View & { stage: string } }>(move(rep.api, d.id, d.version, { to: 'b' }), 200);
    expect(moved.record.stage).toBe('b');
  });

  it('holds a move the approval applies to (202), tells the manager, refuses a second request, and moves as the rep once approved', async () => {
    const d = await dealIn('Big Co', 50000);
    const held = await move(rep.api, d.id, d.version, { to: 'b' });
    expect(held.status).toBe(202);
    const body = (await held.json()) as { approval: Approval; record: View & { stage: string } };
    expect(body.approval).toMatchObject({ status: 'pending', from: 'a', to: 'b', requester: 'rick-rep', approvers: ['mia-manager'], required: 1, decisions: [], record: { id: d.id, title: 'Big Co' } });
    const after = await stageOf(d.id);
    expect([after.stage, after.version]).toEqual(['a', d.version]);
    const told = await notices('mia-manager', 'approval-request');
    expect(told.filter((n) => n.record_id === d.id)).toHaveLength(1);
    expect(JSON.stringify(told.find((n) => n.record_id === d.id)?.data)).toContain('待审批：Big Co 移至 大单审核');

    const again = await expectJson<Problem>(move(rep.api, d.id, d.version, { to: 'b' }), 409);
    expect(again.code).toBe('approval.pending');

    // who sees what
    expect((await expectJson<{ items: Approval[] }>(manager.api('/api/approvals'), 200)).items.map((a) => a.id)).toContain(body.approval.id);
    expect((await expectJson<{ items: Approval[] }>(rep.api('/api/approvals?box=requested'), 200)).items.map((a) => a.id)).toContain(body.approval.id);
    expect((await expectJson<{ items: Approval[] }>(rep.api('/api/approvals'), 200)).items.map((a) => a.id)).not.toContain(body.approval.id);
    await expectJson<Problem>(server.as('colleague').api(`/api/approvals/${body.approval.id}`), 404);
    await expectJson<Problem>(server.as('regional').api(`/api/approvals/${body.approval.id}/decisions`, { method: 'POST', json: { decision: 'approve' } }), 404);
    expect((await expectJson<Problem>(rep.api(`/api/approvals/${body.approval.id}/decisions`, { method: 'POST', json: { decision: 'approve' } }), 403)).code).toBe('approval.not-an-approver');
    expect((await expectJson<Problem>(rep.api('/api/approvals?box=everything'), 400)).code).toBe('query.invalid');
    await expectJson<Problem>(rep.api('/api/approvals?box=all'), 403);

    const decided = await expectJson<Approval>(manager.api(`/api/approvals/${body.approval.id}/decisions`, { method: 'POST', json: { decision: 'approve', comment: 'Fine by me' } }), 200);
    expect(decided).toMatchObject({ status: 'approved', decisions: [{ user: 'mia-manager', decision: 'approve', comment: 'Fine by me' }] });
    const moved = await stageOf(d.id);
    expect([moved.stage, moved.version]).toEqual(['b', d.version + 1]);
    const stay = await server.platform.database.db.selectFrom('stage_history').select(['stage', 'entered_by']).where('record_id', '=', d.id).orderBy('entered_at', 'desc').executeTakeFirstOrThrow();
    expect(stay).toEqual({ stage: 'b', entered_by: 'user:rick-rep' });
    expect((await notices('rick-rep', 'approval-approved')).filter((n) => n.record_id === d.id)).toHaveLength(1);
    expect((await expectJson<Problem>(manager.api(`/api/approvals/${body.approval.id}/decisions`, { method: 'POST', json: { decision: 'approve' } }), 409)).code).toBe('approval.decided');
  });

  it('ends on a rejection, which needs a reason, and tells the rep why', async () => {
    const d = await dealIn('Rejected Co', 60000);
    const { approval } = await expectJson<{ approval: Approval }>(move(rep.api, d.id, d.version, { to: 'b' }), 202);
    const bad = await expectJson<Problem>(manager.api(`/api/approvals/${approval.id}/decisions`, { method: 'POST', json: { decision: 'reject' } }), 422);
    expect(bad.errors?.map((e) => e.pointer)).toEqual(['/comment']);
    const odd = await expectJson<Problem>(manager.api(`/api/approvals/${approval.id}/decisions`, { method: 'POST', json: { decision: 'maybe', extra: 1 } }), 422);
    expect(odd.errors?.map((e) => e.pointer).sort()).toEqual(['/decision', '/extra']);
    const rejected = await expectJson<Approval>(manager.api(`/api/approvals/${approval.id}/decisions`, { method: 'POST', json: { decision: 'reject', comment: 'Discount too deep' } }), 200);
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'Discount too deep' });
    expect((await stageOf(d.id)).stage).toBe('a');
    const told = (await notices('rick-rep', 'approval-rejected')).filter((n) => n.record_id === d.id);
    expect(told.map((n) => n.title)).toEqual(['Rejected: Rejected Co to Big deal review']);
    // after a rejection the rep may ask again
    expect((await move(rep.api, d.id, d.version, { to: 'b' })).status).toBe(202);
  });

  it('fails an approved move the record no longer allows, saying why, and lets the rep withdraw a request', async () => {
    const d = await dealIn('Changed Co', 70000);
    const { approval } = await expectJson<{ approval: Approval }>(move(rep.api, d.id, d.version, { to: 'b' }), 202);
    await expectJson(rep.api(`/api/records/pipeline.deal/${d.id}`, { method: 'PATCH', headers: { 'if-match': `"${d.version}"` }, json: { data: { notes: 'edited meanwhile' } } }), 200);
    const failed = await expectJson<Approval>(manager.api(`/api/approvals/${approval.id}/decisions`, { method: 'POST', json: { decision: 'approve' } }), 200);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/changed after the request/);
    expect((await stageOf(d.id)).stage).toBe('a');
    expect((await notices('rick-rep', 'approval-failed')).filter((n) => n.record_id === d.id)).toHaveLength(1);

    const now = await stageOf(d.id);
    const second = await expectJson<{ approval: Approval }>(move(rep.api, d.id, now.version, { to: 'b' }), 202);
    await expectJson<Problem>(manager.api(`/api/approvals/${second.approval.id}/withdraw`, { method: 'POST' }), 403);
    expect((await expectJson<Approval>(rep.api(`/api/approvals/${second.approval.id}/withdraw`, { method: 'POST' }), 200)).status).toBe('withdrawn');
    expect((await expectJson<Problem>(manager.api(`/api/approvals/${second.approval.id}/decisions`, { method: 'POST', json: { decision: 'approve' } }), 409)).code).toBe('approval.decided');
  });

  it('asks a sequence of approvers one after another, each only in turn', async () => {
    const admin = server.as('admin');
    const d = await dealIn('Sequence Co', 1000);
    const { approval } = await expectJson<{ approval: Approval & { mode: string; next: string | null } }>(move(rep.api, d.id, d.version, { to: 'won' }), 202);
    expect(approval).toMatchObject({ mode: 'sequential', approvers: ['mia-manager', 'adam-admin'], required: 2, next: 'mia-manager' });
    expect((await notices('adam-admin', 'approval-request')).filter((n) => n.record_id === d.id)).toHaveLength(0);
    expect((await expectJson<{ items: Approval[] }>(admin.api('/api/approvals'), 200)).items.map((a) => a.id)).not.toContain(approval.id);
    expect((await expectJson<Problem>(admin.api(`/api/approvals/${approval.id}/decisions`, { method: 'POST', json: { decision: 'approve' } }), 409)).code).toBe('approval.not-your-turn');

    const first = await expectJson<Approval & { next: string | null }>(manager.api(`/api/approvals/${approval.id}/decisions`, { method: 'POST', json: { decision: 'approve' } }), 200);
    expect([first.status, first.next]).toEqual(['pending', 'adam-admin']);
    expect((await stageOf(d.id)).stage).toBe('a');
    expect((await notices('adam-admin', 'approval-request')).filter((n) => n.record_id === d.id)).toHaveLength(1);
    expect((await expectJson<{ items: Approval[] }>(admin.api('/api/approvals'), 200)).items.map((a) => a.id)).toContain(approval.id);

    const last = await expectJson<Approval>(admin.api(`/api/approvals/${approval.id}/decisions`, { method: 'POST', json: { decision: 'approve', comment: 'Second sign-off' } }), 200);
    expect(last.status).toBe('approved');
    expect((await stageOf(d.id)).stage).toBe('won');
  });

  it('escalates a request still waiting past its timeout, once, to the managers above the approvers, who may decide', async () => {
    const d = await dealIn('Slow Co', 1000);
    const { approval } = await expectJson<{ approval: Approval & { dueAt: string | null } }>(move(rep.api, d.id, d.version, { to: 'lost', transition: 'timed_loss' }), 202);
    expect(approval.dueAt).not.toBeNull();
    const due = Date.parse(approval.dueAt ?? '');
    const db = server.platform.database.db;
    expect(await escalateApprovals(db, new Date(due - 60_000))).toBe(0);
    expect(await escalateApprovals(db, new Date(due + 60_000))).toBe(1);
    expect(await escalateApprovals(db, new Date(due + 120_000))).toBe(0);
    const regional = server.as('regional');
    const seen = await expectJson<Approval & { escalatedTo: string[] }>(regional.api(`/api/approvals/${approval.id}`), 200);
    expect(seen.escalatedTo).toEqual(['rae-regional']);
    expect((await notices('rae-regional', 'approval-escalated')).filter((n) => n.record_id === d.id)).toHaveLength(1);
    expect((await expectJson<{ items: Approval[] }>(regional.api('/api/approvals'), 200)).items.map((a) => a.id)).toContain(approval.id);
    const decided = await expectJson<Approval>(regional.api(`/api/approvals/${approval.id}/decisions`, { method: 'POST', json: { decision: 'approve', comment: 'Mia is away' } }), 200);
    expect(decided.status).toBe('approved');
    expect(decided.decisions).toEqual([expect.objectContaining({ user: 'rae-regional', decision: 'approve', onBehalfOf: null })]);
    expect((await stageOf(d.id)).stage).toBe('lost');
  });

  it('refuses a move no one but the requester could approve', async () => {
    const d = await dealIn('Manager Co', 90000, 'mia-manager');
    const p = await expectJson<Problem>(move(manager.api, d.id, d.version, { to: 'b' }), 409);
    expect(p.code).toBe('approval.no-approvers');
    expect((await stageOf(d.id)).stage).toBe('a');
  });

  it('checks approvals when a process is saved: the condition against the entity, the roles', async () => {
    const bad = { id: 'approval_bad', label: 'Bad', entity: 'pipeline.deal', initialStage: 'a', stages: [{ id: 'a', label: 'A', kind: 'open' }, { id: 'won', label: 'Won', kind: 'won', probability: 1 }], transitions: [{ from: 'a', to: 'won', approval: { when: { '>': [{ var: 'no_such_field' }, 1] }, approvers: [{ role: 'pope' }] } }] };
    const p = await expectJson<Problem>(server.api('/api/processes', { method: 'POST', json: bad }), 422);
    const pointers = (p.errors ?? []).map((e) => e.pointer);
    expect(pointers.some((x) => x.startsWith('/transitions/0/approval/when'))).toBe(true);
    expect(pointers).toContain('/transitions/0/approval/approvers/0/role');
  });
});
