import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type Client, type TestServer } from '../harness';
import { QUALIFIED, count, expectJson, move, publish, type Problem, type View } from './helpers';

type Deal = View & { process: { id: string; version: number } | null };
interface History {
  items: { stage: string; from: string | null; exitedAt: string | null; enteredBy: string; version: number }[];
}

const usd = (amount: number) => ({ amount, currency: 'USD' });

/**
 * Issue 11, items 1 and 2: the stage belongs to the process (a record starts in the start stage
 * of a published version, only a transition moves it) and closed stages lock their fields.
 */
describe.each(backends())('stage integrity on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let manager: Client;
  const refs: Record<string, string> = {};
  const writes = async () => ({ ...(await countRows(server.platform)), history: await count(server, 'stage_history') });
  const create = (c: Client, body: Record<string, unknown>) => c.api('/api/records/pipeline.deal', { method: 'POST', json: body });

  beforeAll(async () => {
    server = await startServer(backend, {}, { drafts: true });
    rep = server.as('rep');
    manager = server.as('manager');
    for (const [key, type, data] of [
      ['account_id', 'crm.account', { name: 'Acme', status: 'active' }],
      ['product_id', 'pipeline.product', { name: 'GTX Pro' }],
      ['decision_maker_id', 'crm.contact', { first_name: 'Dana', last_name: 'Decider' }],
    ] as const) {
      refs[key] = (await expectJson<View>(server.api(`/api/records/${type}`, { method: 'POST', json: { data, owner: null, orgUnit: null } }), 201)).id;
    }
  });
  afterAll(() => server?.close());

  /** A deal walked to `won` by the process's own transitions, as the rep. */
  async function wonDeal(name: string): Promise<Deal> {
    const deal = await expectJson<Deal>(create(rep, { data: { name } }), 201);
    let v = deal.version;
    for (const step of [
      { to: 'engaging', data: { ...QUALIFIED, account_id: refs.account_id } },
      { to: 'proposal', data: { product_id: refs.product_id, decision_maker_id: refs.decision_maker_id, expected_close_date: '2025-03-01' } },
      { to: 'won', data: { close_date: '2025-02-20', close_value: usd(4800) } },
    ]) {
      v = (await expectJson<{ record: Deal }>(move(rep.api, deal.id, v, step), 200)).record.version;
    }
    return expectJson<Deal>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200);
  }

  it('refuses to create a stageful record before any process is published, writing nothing', async () => {
    const before = await writes();
    const p = await expectJson<Problem>(create(rep, { data: { name: 'Too early' } }), 409);
    expect(p.code).toBe('process.none-published');
    expect(await writes()).toEqual(before);
    await publish(server.api, 'new_business');
  });

  it('creates a deal in the start stage of the default process, with its first stay and the create event', async () => {
    const deal = await expectJson<Deal>(create(rep, { data: { name: 'Fresh' } }), 201);
    expect(deal).toMatchObject({ stage: 'prospecting', process: { id: 'new_business', version: 1 }, version: 1 });
    const history = await expectJson<History>(rep.api(`/api/deals/${deal.id}/history`), 200);
    expect(history.items).toEqual([expect.objectContaining({ stage: 'prospecting', from: null, exitedAt: null, enteredBy: `user:${rep.userId}`, version: 1 })]);
    const events = await expectJson<{ items: { action: string; after: Deal }[] }>(rep.api(`/api/records/pipeline.deal/${deal.id}/events`), 200);
    expect(events.items.map((e) => [e.action, e.after.stage])).toEqual([['create', 'prospecting']]);
    // Naming the start stage is harmless; the deal moves on by the process from there.
    const named = await expectJson<Deal>(create(rep, { data: { name: 'Named start' }, stage: 'prospecting' }), 201);
    expect(named.stage).toBe('prospecting');
    expect((await expectJson<{ record: Deal }>(move(rep.api, named.id, 1, { to: 'engaging', data: { ...QUALIFIED, account_id: refs.account_id } }), 200)).record.stage).toBe('engaging');
  });

  it('refuses a deal created straight into won, an unknown stage, or the start stage without its requirements (422 naming it, nothing written)', async () => {
    const before = await writes();
    const won = await expectJson<Problem>(create(rep, { data: { name: 'Free money', amount: usd(1_000_000), close_value: usd(1_000_000), close_date: '2026-01-01' }, stage: 'won' }), 422);
    expect(won).toMatchObject({ code: 'record.stage-not-settable', errors: [{ pointer: '/stage' }] });
    const madeUp = await expectJson<Problem>(create(rep, { data: { name: 'Made up' }, stage: 'stage_7' }), 422);
    expect(madeUp).toMatchObject({ code: 'process.unknown-stage', errors: [{ pointer: '/stage' }] });
    expect(madeUp.detail).toContain('"stage_7"');
    const empty = await expectJson<Problem>(create(rep, { data: { name: '' } }), 422);
    expect(empty.errors?.map((e) => e.pointer)).toContain('/data/name');
    const otherProcess = await expectJson<Problem>(create(rep, { data: { name: 'Renewal' }, process: 'renewal' }), 422);
    expect(otherProcess).toMatchObject({ code: 'process.none-published', errors: [{ pointer: '/process' }] });
    for (const stage of [['won'], { id: 'won' }, 7]) expect((await create(rep, { data: { name: 'Shape' }, stage })).status).toBe(422);
    expect((await server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'No stages', status: 'active' }, process: 'new_business' } })).status).toBe(422);
    expect(await writes()).toEqual(before);
  });

  it('as a rep, no request of any shape puts a deal into won without the process transition', async () => {
    const deal = await expectJson<Deal>(create(rep, { data: { name: 'Shortcut', ...QUALIFIED, account_id: refs.account_id } }), 201);
    const before = await writes();
    const url = `/api/records/pipeline.deal/${deal.id}`;
    const attempts: [string, Promise<Response>][] = [
      ['patch stage', rep.api(url, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { stage: 'won' } })],
      ['patch data.stage', rep.api(url, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { stage: 'won' } } })],
      ['put', rep.api(url, { method: 'PUT', headers: { 'if-match': '"1"' }, json: { data: { name: 'Shortcut' }, stage: 'won' } })],
      ['jump', move(rep.api, deal.id, 1, { to: 'won', data: { close_date: '2025-02-20', close_value: usd(1_000_000) } })],
      ['jump by id', move(rep.api, deal.id, 1, { to: 'won', transition: 'win' })],
      ['other process', move(rep.api, deal.id, 1, { to: 'won', process: 'renewal' })],
      ['migration', rep.api('/api/processes/new_business/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 1, stageMapping: { prospecting: 'won' }, dryRun: false } })],
      ['import', rep.api('/api/imports', { method: 'POST', json: { mapping: { entity: 'pipeline.deal', fields: { name: 'name', $stage: 'stage' } }, csv: 'name,stage\nImported,won\n' } })],
    ];
    for (const [label, res] of attempts) {
      const r = await res;
      expect(r.status, `${label}: ${await r.text()}`).toBeGreaterThanOrEqual(400);
      expect(r.status, label).toBeLessThan(500);
    }
    expect(await writes()).toEqual(before);
    expect((await expectJson<Deal>(rep.api(url), 200)).stage).toBe('prospecting');
  });

  it('locks amount, close value and close date of a won deal against edits and transition patches, for everyone', async () => {
    const deal = await wonDeal('Closed');
    expect(deal).toMatchObject({ stage: 'won', data: { close_value: usd(4800) } });
    const url = `/api/records/pipeline.deal/${deal.id}`;
    const before = await writes();
    for (const [who, data] of [
      [rep, { close_value: usd(1_000_000) }],
      [rep, { amount: usd(1) }],
      [rep, { close_date: null }],
      [rep, { close_value: { amount: 4800, currency: 'EUR' } }],
      [manager, { close_value: usd(9) }],
      [server.as('admin'), { close_date: '2030-01-01', notes: 'fine' }],
    ] as const) {
      const p = await expectJson<Problem>(who.api(url, { method: 'PATCH', headers: { 'if-match': `"${deal.version}"` }, json: { data } }), 422);
      expect(p.code).toBe('record.locked-fields');
      expect(p.errors?.map((e) => e.pointer)).toEqual(Object.keys(data).filter((f) => f !== 'notes').map((f) => `/data/${f}`));
    }
    expect(await writes()).toEqual(before);
    // Unlocked fields stay editable, and re-sending a locked field's own value is no change.
    const edited = await expectJson<Deal>(rep.api(url, { method: 'PATCH', headers: { 'if-match': `"${deal.version}"` }, json: { data: { notes: 'signed', close_value: usd(4800) } } }), 200);
    expect(edited.data).toMatchObject({ notes: 'signed', close_value: usd(4800) });
  });

  it('changes a won deal only through the guarded, audited reopen transition', async () => {
    const deal = await wonDeal('Reopened');
    const url = `/api/records/pipeline.deal/${deal.id}`;
    expect((await expectJson<Problem>(move(rep.api, deal.id, deal.version, { to: 'engaging' }), 403)).status).toBe(403);
    const patched = await expectJson<Problem>(move(manager.api, deal.id, deal.version, { to: 'engaging', data: { close_value: usd(1) } }), 422);
    expect(patched).toMatchObject({ code: 'record.locked-fields', errors: [{ pointer: '/data/close_value' }] });
    const reopened = await expectJson<{ record: Deal; transition: { transition: string } }>(move(manager.api, deal.id, deal.version, { to: 'engaging' }), 200);
    expect(reopened).toMatchObject({ record: { stage: 'engaging' }, transition: { transition: 'reopen' } });
    const events = await expectJson<{ items: { action: string; actor: string; meta: { transition?: string } | null }[] }>(rep.api(`${url}/events`), 200);
    expect(events.items.at(-1)).toMatchObject({ action: 'transition', actor: `user:${manager.userId}`, meta: { transition: 'reopen' } });
    const edited = await expectJson<Deal>(rep.api(url, { method: 'PATCH', headers: { 'if-match': `"${reopened.record.version}"` }, json: { data: { amount: usd(7000) } } }), 200);
    expect(edited.data.amount).toEqual(usd(7000));
  });

  it('locks a lost deal the same way', async () => {
    const deal = await expectJson<Deal>(create(rep, { data: { name: 'Gone' } }), 201);
    const lost = await expectJson<{ record: Deal }>(move(rep.api, deal.id, 1, { to: 'lost', data: { close_date: '2025-01-05', lost_reason: 'no_budget', amount: usd(300) } }), 200);
    const p = await expectJson<Problem>(rep.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': `"${lost.record.version}"` }, json: { data: { amount: usd(30_000) } } }), 422);
    expect(p).toMatchObject({ code: 'record.locked-fields', errors: [{ pointer: '/data/amount' }] });
  });
});
