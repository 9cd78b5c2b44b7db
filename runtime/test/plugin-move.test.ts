import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from './harness';
import { QUALIFIED, count, createDeal, expectJson, type Problem, type View } from './process/helpers';

const DEAL_MOVER = fileURLToPath(new URL('./fixtures/plugin-move/deal_mover', import.meta.url));

interface Moved {
  stage: string | null;
  version: number;
  from: string | null;
  to: string;
  transition: string | null;
  historyId: string;
}

/**
 * `records.move` (ADR 015 addendum 4): plugin code moves a stageful record as the caller, with
 * everything the transitions API checks and writes, in the route's transaction; route handlers
 * see the caller's language.
 */
describe.each(backends())('plugin stage moves on $name', (backend) => {
  let server: TestServer;
  const advance = (api: TestServer['api'], id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => api(`/api/plugins/deal_mover/deals/${id}/advance`, { method: 'POST', headers, json: body });
  const deal = async (id: string) => expectJson<View & { stage: string }>(server.api(`/api/records/pipeline.deal/${id}`), 200);
  const historyOf = async (id: string) =>
    server.platform.database.db.selectFrom('stage_history').select(['from_stage', 'stage', 'entered_by', 'transition_id']).where('record_id', '=', id).orderBy('entered_at').execute();

  let ready: Record<string, unknown>;

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_PLUGINS: DEAL_MOVER });
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Mover Inc', status: 'active' }, owner: null, orgUnit: null } }), 201);
    ready = { ...QUALIFIED, account_id: account.id };
  });
  afterAll(() => server?.close());

  it('moves the caller\'s deal through its process: stage, history and event by the caller', async () => {
    const rep = server.as('rep');
    const d = await createDeal(rep.api, { name: 'Moved by a plugin' });
    const r = await expectJson<Moved>(advance(rep.api, d.id, { to: 'engaging', data: ready }), 200);
    expect(r).toMatchObject({ stage: 'engaging', from: 'prospecting', to: 'engaging', transition: 'qualify', version: d.version + 1 });
    expect(r.historyId).toMatch(/\S/);
    const after = await deal(d.id);
    expect([after.stage, after.version, after.data.next_step]).toEqual(['engaging', d.version + 1, ready.next_step]);
    const history = await historyOf(d.id);
    expect(history.at(-1)).toMatchObject({ from_stage: 'prospecting', stage: 'engaging', entered_by: `user:${rep.userId}`, transition_id: 'qualify' });
    const events = await server.platform.database.db.selectFrom('events').select(['action', 'actor']).where('record_id', '=', d.id).execute();
    expect(events.filter((e) => e.action === 'transition')).toEqual([{ action: 'transition', actor: `user:${rep.userId}` }]);
  });

  it('refuses what the transitions API refuses: unmet requirements in the caller\'s language, a stale version, a deal the caller cannot see', async () => {
    const rep = server.as('rep');
    const d = await createDeal(rep.api, { name: 'Not ready' });
    const en = await expectJson<Problem>(advance(rep.api, d.id, { to: 'engaging' }), 422);
    expect(en.code).toBe('process.requirements-unmet');
    const zh = await expectJson<Problem & { detail: string }>(advance(rep.api, d.id, { to: 'engaging' }, { 'accept-language': 'zh-CN' }), 422);
    expect(zh.code).toBe('process.requirements-unmet');
    expect(zh.detail).toMatch(/[\u4e00-\u9fff]/);
    expect((await deal(d.id)).stage).toBe('prospecting');

    const stale = await expectJson<Problem>(advance(rep.api, d.id, { to: 'engaging', data: ready, expectedVersion: d.version + 5 }), 412);
    expect(stale.code).toBe('record.stale-version');

    // a rep of another team cannot see the deal: 404, as from the transitions API
    await expectJson<Problem>(advance(server.as('other-rep').api, d.id, { to: 'engaging', data: ready }), 404);
    expect((await deal(d.id)).stage).toBe('prospecting');
  });

  it('rolls the move back with the route: nothing of it is kept when the handler fails after it', async () => {
    const rep = server.as('rep');
    const d = await createDeal(rep.api, { name: 'Rolled back' });
    const history = await count(server, 'stage_history');
    const p = await expectJson<Problem>(advance(rep.api, d.id, { to: 'engaging', data: ready, fail: true }), 409);
    expect(p.code).toBe('deal_mover.refused');
    const after = await deal(d.id);
    expect([after.stage, after.version]).toEqual(['prospecting', d.version]);
    expect(await count(server, 'stage_history')).toBe(history);
  });

  it('tells route handlers the caller\'s language', async () => {
    const rep = server.as('rep');
    expect(await expectJson(rep.api('/api/plugins/deal_mover/language'), 200)).toEqual({ language: 'en' });
    expect(await expectJson(rep.api('/api/plugins/deal_mover/language', { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } }), 200)).toEqual({ language: 'zh-CN' });
    expect(await expectJson(rep.api('/api/plugins/deal_mover/language', { headers: { 'accept-language': 'fr' } }), 200)).toEqual({ language: 'en' });
  });
});
