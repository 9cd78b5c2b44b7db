import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from '../harness';
import { expectJson, publish, type Problem } from './helpers';

type Def = Record<string, unknown> & { stages: Record<string, unknown>[]; transitions: Record<string, unknown>[] };
interface ProcessBody {
  id: string;
  draft: Def;
  draftRevision: number;
  latestVersion: number | null;
  versions: { version: number }[];
}

const mini = (id: string): Def => ({
  id,
  label: 'Mini',
  entity: 'pipeline.deal',
  initialStage: 'open',
  stages: [
    { id: 'open', label: 'Open', kind: 'open', sla: { maxDays: 5, escalateTo: { role: 'manager' } } },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'win', from: 'open', to: 'won', guard: { '>': [{ var: 'amount.amount' }, 0] } },
    { id: 'lose', from: 'open', to: 'lost' },
  ],
  layout: { nodes: { open: { x: 0, y: 0 }, won: { x: 200, y: 0 } } },
});

describe.each(backends())('process definitions over HTTP on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, {}, { drafts: true });
  });
  afterAll(() => server?.close());

  it('lists more than one pipeline per entity, shipped by the pipeline plugin', async () => {
    const list = await expectJson<{ items: { id: string; entity: string; source: string }[] }>(server.api('/api/processes?entity=pipeline.deal'), 200);
    expect(list.items.map((p) => p.id)).toEqual(['new_business', 'renewal']);
    expect(list.items.every((p) => p.source === 'plugin:pipeline')).toBe(true);
    const nb = await expectJson<ProcessBody>(server.api('/api/processes/new_business'), 200);
    const stage = nb.draft.stages.find((s) => s.id === 'engaging');
    expect(stage).toMatchObject({ kind: 'open', probability: 0.3, guidance: { en: expect.any(String), 'zh-CN': expect.any(String) }, requirements: { type: 'object' }, sla: { maxDays: 45, escalateTo: { role: 'manager' } } });
    expect(nb.draft.allowBackward).toBe(true);
    expect(nb.draft.layout).toHaveProperty('nodes.prospecting');
  });

  it('checks a definition when saved and reports every problem with a JSON pointer, writing nothing', async () => {
    const shipped = (await expectJson<{ items: { id: string }[] }>(server.api('/api/processes'), 200)).items.map((p) => p.id);
    const bad = mini('broken');
    bad.stages.push({ id: 'limbo', label: 'Limbo', kind: 'open' }, { id: 'dead', label: 'Dead end', kind: 'open' });
    bad.transitions.push({ id: 'stall', from: 'open', to: 'dead' });
    bad.transitions[0] = { id: 'win', from: 'open', to: 'won', guard: { '>': [{ var: 'budget' }, 5] } };
    bad.transitions.push({ id: 'ping', from: 'open', to: 'lost', actions: [{ type: 'acme.nothing' }] });
    const before = await countRows(server.platform);
    const p = await expectJson<Problem>(server.api('/api/processes', { method: 'POST', json: bad }), 422);
    expect(p.code).toBe('process.invalid');
    const found = (p.errors ?? []).map((e) => `${e.pointer} ${e.code}`);
    expect(found).toEqual(expect.arrayContaining(['/transitions/3/actions/0/type unknown-action-type']));
    expect(found.some((f) => f.startsWith('/transitions/0/guard') && f.endsWith('invalid-guard'))).toBe(true);
    const graph = mini('graph');
    graph.stages.push({ id: 'limbo', label: 'Limbo', kind: 'open' }, { id: 'dead', label: 'Dead end', kind: 'open' });
    graph.transitions.push({ id: 'stall', from: 'open', to: 'dead' });
    const g = await expectJson<Problem>(server.api('/api/processes', { method: 'POST', json: graph }), 422);
    expect((g.errors ?? []).map((e) => `${e.pointer} ${e.code}`)).toEqual(['/stages/3 unreachable-stage', '/stages/3 dead-end', '/stages/4 dead-end']);
    const schema = await expectJson<Problem>(server.api('/api/processes', { method: 'POST', json: { ...mini('x'), stages: [{ id: 'open', label: 'Open', kind: 'pending' }] } }), 422);
    expect(schema.errors?.[0]?.pointer).toBe('/stages/0/kind');
    expect(await countRows(server.platform)).toEqual(before);
    expect((await expectJson<{ items: { id: string }[] }>(server.api('/api/processes'), 200)).items.map((p) => p.id)).toEqual(shipped);
    expect(shipped).toEqual(expect.arrayContaining(['new_business', 'renewal']));
  });

  it('documents the process API in the OpenAPI document', async () => {
    const doc = await expectJson<{ paths: Record<string, Record<string, unknown>> }>(server.api('/openapi.json'), 200);
    for (const [path, method] of [['/api/processes', 'post'], ['/api/processes/{id}', 'put'], ['/api/processes/{id}/publish', 'post'], ['/api/processes/{id}/diff', 'get'], ['/api/processes/{id}/migrations', 'post'], ['/api/processes/{id}/simulate', 'post'], ['/api/records/{type}/{id}/transitions', 'post'], ['/api/deals/{id}/transitions', 'post'], ['/api/pipeline/stuck', 'get'], ['/api/pipeline/conversion', 'get'], ['/api/pipeline/time-in-stage', 'get']] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });

  it('checks a candidate without saving it', async () => {
    const res = await expectJson<{ valid: boolean; problems: { pointer: string; code: string }[] }>(server.api('/api/processes/new_business/check', { method: 'POST', json: { ...mini('new_business'), initialStage: 'won' } }), 200);
    expect(res.valid).toBe(false);
    expect(res.problems.map((x) => x.pointer)).toContain('/initialStage');
  });

  it('lets only admins create, edit and publish; drafts need If-Match; published versions are immutable', async () => {
    const rep = server.as('rep');
    expect((await rep.api('/api/processes', { method: 'POST', json: mini('mine') })).status).toBe(403);
    expect((await rep.api('/api/processes/new_business/publish', { method: 'POST' })).status).toBe(403);
    expect((await rep.api('/api/processes/new_business')).status).toBe(200);
    const created = await server.api('/api/processes', { method: 'POST', json: mini('mini') });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect((await server.api('/api/processes', { method: 'POST', json: mini('mini') })).status).toBe(409);
    const edited = { ...mini('mini'), label: 'Mini v2' };
    expect((await server.api('/api/processes/mini', { method: 'PUT', json: edited })).status).toBe(428);
    const saved = await server.api('/api/processes/mini', { method: 'PUT', headers: { 'if-match': '"1"' }, json: edited });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"2"');
    const stale = await expectJson<Problem>(server.api('/api/processes/mini', { method: 'PUT', headers: { 'if-match': '"1"' }, json: edited }), 412);
    expect(stale.currentRevision).toBe(2);
    expect((await server.api('/api/processes/mini', { method: 'PUT', headers: { 'if-match': '"2"' }, json: { ...edited, entity: 'crm.account' } })).status).toBe(422);
    expect(await publish(server.api, 'mini')).toBe(1);
    expect((await expectJson<Problem>(server.api('/api/processes/mini/publish', { method: 'POST' }), 409)).code).toBe('process.nothing-to-publish');
    await expectJson(server.api('/api/processes/mini', { method: 'PUT', headers: { 'if-match': '"2"' }, json: { ...edited, label: 'Mini v3' } }), 200);
    expect(await publish(server.api, 'mini')).toBe(2);
    const v1 = await expectJson<{ definition: Def }>(server.api('/api/processes/mini/versions/1'), 200);
    expect(v1.definition).toMatchObject({ label: 'Mini v2', version: 1 });
    expect((await server.api('/api/processes/mini/versions/9')).status).toBe(404);
    await expect(server.platform.database.db.updateTable('process_versions').set({ published_by: 'mallory' }).where('process_id', '=', 'mini').execute()).rejects.toThrow(/immutable/);
    const audit = await server.platform.database.db.selectFrom('events').select('action').where('subject', '=', 'process:mini').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['process.create', 'process.update', 'process.publish', 'process.update', 'process.publish']);
  });

  it('diffs two versions (or a version and the draft) machine-readably', async () => {
    const current = await expectJson<ProcessBody>(server.api('/api/processes/new_business'), 200);
    await publish(server.api, 'new_business');
    const next: Def = structuredClone(current.draft);
    next.stages.splice(1, 0, { id: 'discovery', label: 'Discovery', kind: 'open', probability: 0.2 });
    next.transitions = next.transitions.map((t) => (t.id === 'qualify' ? { ...t, to: 'discovery' } : t));
    next.transitions.push({ id: 'discover', from: 'discovery', to: 'engaging' });
    const win = next.transitions.find((t) => t.id === 'win');
    if (win) win.guard = { '>': [{ var: 'close_value.amount' }, 0] };
    next.transitions = next.transitions.filter((t) => t.id !== 'negotiate');
    next.transitions.push({ id: 'negotiate', label: { en: 'Start negotiation', 'zh-CN': '开始谈判' }, from: 'proposal', to: 'negotiation', roles: ['manager'] });
    await expectJson(server.api('/api/processes/new_business', { method: 'PUT', headers: { 'if-match': `"${current.draftRevision}"` }, json: next }), 200);
    const draftDiff = await expectJson<{ stages: { added: string[] }; rules: { kind: string; id: string; change: string }[] }>(server.api('/api/processes/new_business/diff?from=1&to=draft'), 200);
    expect(draftDiff.stages.added).toEqual(['discovery']);
    expect(await publish(server.api, 'new_business')).toBe(2);
    const d = await expectJson<{ stages: { added: string[]; removed: string[] }; transitions: { added: string[]; removed: string[]; changed: { id: string; changes: { member: string }[] }[] }; rules: { kind: string; id: string; change: string }[]; changed: boolean }>(server.api('/api/processes/new_business/diff?from=1&to=2'), 200);
    expect(d.stages).toMatchObject({ added: ['discovery'], removed: [] });
    expect(d.transitions.added).toEqual(['discover']);
    expect(d.transitions.changed.map((c) => [c.id, c.changes.map((m) => m.member)])).toEqual(expect.arrayContaining([['qualify', ['to']], ['win', ['guard']], ['negotiate', ['roles']]]));
    expect(d.rules).toEqual([expect.objectContaining({ kind: 'guard', id: 'win', change: 'changed' })]);
    expect((await server.api('/api/processes/new_business/diff?from=1&to=7')).status).toBe(404);
    expect((await server.api('/api/processes/new_business/diff?from=one&to=2')).status).toBe(400);
  });
});
