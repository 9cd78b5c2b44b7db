import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type ApiFetch, type TestServer, type TestUser } from '../harness';
import { expectJson } from '../process/helpers';

interface View {
  id: string;
  version: number;
  owner: string | null;
  data: Record<string, unknown>;
}
interface Problem {
  code: string;
  errors?: { pointer: string; code?: string }[];
}

/**
 * Comments on key results (issue 15: "the owner and the managers above edit an objective; others
 * can comment"): anyone who reads a key result comments on it; a private one's comments are read
 * by its readers (the objective's owner and co-owners) and their authors, and follow it when its
 * objective turns private or public again; a
 * closed cycle takes no more comments; only the author edits his comment.
 */
describe.each(backends())('OKR comments on $name', (backend) => {
  let server: TestServer;
  const api = (user: TestUser): ApiFetch => server.as(user, 'token').api;
  const create = (a: ApiFetch, type: string, data: Record<string, unknown>) => expectJson<View>(a(`/api/records/${type}`, { method: 'POST', json: { data } }), 201);
  const comments = async (user: TestUser, kr: string) => (await expectJson<{ items: View[] }>(api(user)(`/api/records/okr.comment?filter[key_result_id]=${kr}`), 200)).items.map((c) => c.data.body);
  let cycle: View;
  let objective: View;
  let kr: View;

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    cycle = await create(api('admin'), 'okr.cycle', { name: '2026 Q2', kind: 'quarter', start: '2026-04-01', end: '2026-06-30', state: 'active' });
    objective = await create(api('rep'), 'okr.objective', { title: 'Rick opens the east', level: 'person', cycle_id: cycle.id });
    kr = await create(api('rep'), 'okr.key_result', { objective_id: objective.id, title: 'Ten new logos', kind: 'numeric', target: 10 });
  });
  afterAll(() => server?.close());

  it('lets anyone who reads the key result comment, who may not check in', async () => {
    const checkIn = await expectJson<Problem>(api('other-rep')('/api/records/okr.check_in', { method: 'POST', json: { data: { key_result_id: kr.id, confidence: 5, status: 'on_track' } } }), 422);
    expect(checkIn.errors?.[0]?.code).toBe('okr.not-editor');
    const c = await create(api('other-rep'), 'okr.comment', { key_result_id: kr.id, body: 'Which accounts first?' });
    expect(c.owner).toBe('otto-rep');
    expect(c.data).toMatchObject({ cycle_id: cycle.id, private: false });
    await create(api('rep'), 'okr.comment', { key_result_id: kr.id, body: 'The three in Hangzhou.' });
    expect(await comments('colleague', kr.id)).toEqual(['The three in Hangzhou.', 'Which accounts first?']);
    // only the author edits his comment
    await expectJson(api('rep')(`/api/records/okr.comment/${c.id}`, { method: 'PATCH', headers: { 'if-match': `"${c.version}"` }, json: { data: { body: 'edited by Rick' } } }), 403);
    await expectJson(api('other-rep')(`/api/records/okr.comment/${c.id}`, { method: 'PATCH', headers: { 'if-match': `"${c.version}"` }, json: { data: { body: 'Which accounts come first?' } } }), 200);
    const bad = await expectJson<Problem>(api('other-rep')('/api/records/okr.comment', { method: 'POST', json: { data: { key_result_id: kr.id, body: '' } } }), 422);
    expect(bad.errors?.map((e) => e.pointer)).toEqual(['/data/body']);
  });

  it('hides the comments of a private objective\'s key result from those who may not read it, and shows them again', async () => {
    const current = await expectJson<View>(api('rep')(`/api/records/okr.objective/${objective.id}`), 200);
    await expectJson(api('rep')(`/api/records/okr.objective/${objective.id}`, { method: 'PATCH', headers: { 'if-match': `"${current.version}"` }, json: { data: { private: true } } }), 200);
    expect(await comments('colleague', kr.id)).toEqual([]);
    // the key result's readers (the objective's owner and co-owners) read them all; an author his own
    expect((await comments('rep', kr.id)).length).toBe(2);
    expect(await comments('other-rep', kr.id)).toEqual(['Which accounts come first?']);
    // a user who cannot read the key result cannot comment on it
    const refused = await expectJson<Problem>(api('colleague')('/api/records/okr.comment', { method: 'POST', json: { data: { key_result_id: kr.id, body: 'Hello?' } } }), 422);
    expect(refused.errors?.[0]?.pointer).toBe('/data/key_result_id');
    const again = await expectJson<View>(api('rep')(`/api/records/okr.objective/${objective.id}`), 200);
    await expectJson(api('rep')(`/api/records/okr.objective/${objective.id}`, { method: 'PATCH', headers: { 'if-match': `"${again.version}"` }, json: { data: { private: false } } }), 200);
    expect((await comments('colleague', kr.id)).length).toBe(2);
  });

  it('takes no comments in a closed cycle', async () => {
    const c = await expectJson<View>(api('admin')(`/api/records/okr.cycle/${cycle.id}`), 200);
    await expectJson(api('admin')(`/api/records/okr.cycle/${cycle.id}`, { method: 'PATCH', headers: { 'if-match': `"${c.version}"` }, json: { data: { state: 'closed' } } }), 200);
    const p = await expectJson<Problem>(api('other-rep')('/api/records/okr.comment', { method: 'POST', json: { data: { key_result_id: kr.id, body: 'Too late' } } }), 422);
    expect(p.errors?.[0]?.code).toBe('okr.cycle-closed');
  });
});
