import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type ApiFetch, type TestServer, type TestUser } from '../harness';
import { expectJson } from '../process/helpers';

interface View {
  id: string;
  version: number;
  owner: string | null;
  data: Record<string, unknown>;
  computed?: { current?: number | null; progress: number | null; asOf: string; confidence?: number | null; status?: string | null; final?: boolean };
}
interface Problem {
  status: number;
  code: string;
  errors?: { pointer: string; message: string; code?: string }[];
}

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-05T09:00:00Z');

/**
 * OKRs over HTTP on the test org (company -> north (teams A, B) and south (team A)): cycles,
 * the cascade and its rules, computed progress and roll-up, check-ins moving key results,
 * confidence, who edits what, transparency and privacy, closing a cycle, and staleness reminders
 * on the platform clock.
 */
describe.each(backends())('OKRs on $name', (backend) => {
  let server: TestServer;
  let clock = T0;
  const api = (user: TestUser): ApiFetch => server.as(user, 'token').api;
  const create = (a: ApiFetch, type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => expectJson<View>(a(`/api/records/${type}`, { method: 'POST', json: { data, ...extra } }), 201);
  const read = (a: ApiFetch, type: string, id: string) => expectJson<View>(a(`/api/records/${type}/${id}`), 200);
  const refused = async (res: Promise<Response>, status: number) => {
    const r = await res;
    const p = (await r.json()) as Problem;
    expect(r.status, JSON.stringify(p)).toBe(status);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    return p;
  };
  const pointers = (p: Problem) => (p.errors ?? []).map((e) => e.pointer).sort();
  let cycle: View;
  let company: View;
  let north: View;
  let teamA: View;
  let rick: View;

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_PLUGIN_OKR_PROGRESS_CAP: '1.5', PIPEWRIGHT_PLUGIN_OKR_STALE_DAYS: '7', PIPEWRIGHT_PLUGIN_OKR_ESCALATE_DAYS: '14' }, { now: () => new Date(clock) });
    await server.seedOrg();
    cycle = await create(api('admin'), 'okr.cycle', { name: '2026 Q1', kind: 'quarter', start: '2026-01-01', end: '2026-03-31', state: 'active' });
    company = await create(api('admin'), 'okr.objective', { title: 'Win the north', level: 'company', cycle_id: cycle.id });
    north = await create(api('regional'), 'okr.objective', { title: 'North grows', level: 'office', cycle_id: cycle.id, parent_id: company.id, include_children: true });
    teamA = await create(api('manager'), 'okr.objective', { title: 'Team A delivers', level: 'team', cycle_id: cycle.id, parent_id: north.id, include_children: true, weight: 2 });
    rick = await create(api('rep'), 'okr.objective', { title: "Rick's quarter", level: 'person', cycle_id: cycle.id, parent_id: teamA.id, include_children: true });
  });
  afterAll(() => server?.close());

  describe('cycles', () => {
    it('only admins manage cycles; the dates must be in order', async () => {
      const p = await refused(api('manager')('/api/records/okr.cycle', { method: 'POST', json: { data: { name: 'Mine', kind: 'half', start: '2026-01-01', end: '2026-06-30' } } }), 422);
      expect(p.errors?.[0]?.code).toBe('okr.admins-only');
      const q = await refused(api('admin')('/api/records/okr.cycle', { method: 'POST', json: { data: { name: 'Backwards', kind: 'year', start: '2026-12-31', end: '2026-01-01' } } }), 422);
      expect(pointers(q)).toEqual(['/data/end']);
      const r = await refused(api('admin')('/api/records/okr.cycle', { method: 'POST', json: { data: { name: 'Scored', kind: 'year', start: '2026-01-01', end: '2026-12-31', scores: { x: { progress: 1 } } } } }), 422);
      expect(pointers(r)).toEqual(['/data/scores']);
    });

    it('everyone reads the cycles', async () => {
      await read(api('other-rep'), 'okr.cycle', cycle.id);
    });
  });

  describe('the cascade', () => {
    it('aligns each objective to a higher level of the same cycle', async () => {
      const a = await refused(api('rep')('/api/records/okr.objective', { method: 'POST', json: { data: { title: 'Sideways', level: 'person', cycle_id: cycle.id, parent_id: rick.id } } }), 422);
      expect(pointers(a), JSON.stringify(a)).toEqual(['/data/parent_id']);
      const other = await create(api('admin'), 'okr.cycle', { name: '2026 Q2', kind: 'quarter', start: '2026-04-01', end: '2026-06-30' });
      const b = await refused(api('rep')('/api/records/okr.objective', { method: 'POST', json: { data: { title: 'Elsewhere', level: 'person', cycle_id: other.id, parent_id: teamA.id } } }), 422);
      expect(pointers(b)).toEqual(['/data/parent_id']);
      const c = await refused(api('admin')('/api/records/okr.objective', { method: 'POST', json: { data: { title: 'Top', level: 'company', cycle_id: cycle.id, parent_id: north.id } } }), 422);
      expect(pointers(c)).toEqual(['/data/parent_id']);
    });

    it('progress is computed, never typed: a rep typing progress or current gets 422 naming the field', async () => {
      const p = await refused(api('rep')(`/api/records/okr.objective/${rick.id}`, { method: 'PATCH', headers: { 'if-match': `"${rick.version}"` }, json: { data: { progress: 1 } } }), 422);
      expect(pointers(p)).toEqual(['/data/progress']);
      const q = await refused(api('rep')('/api/records/okr.key_result', { method: 'POST', json: { data: { objective_id: rick.id, title: 'Typed', kind: 'numeric', target: 10, current: 10 } } }), 422);
      expect(pointers(q)).toEqual(['/data/current']);
      const r = await refused(api('rep')('/api/records/okr.key_result', { method: 'POST', json: { data: { objective_id: rick.id, title: 'Typed', kind: 'numeric', target: 10, progress: 1 } } }), 422);
      expect(pointers(r)).toEqual(['/data/progress']);
    });

    it('key results check their kind: a target in the stated direction, a metric and scope only for metric ones', async () => {
      const a = await refused(api('rep')('/api/records/okr.key_result', { method: 'POST', json: { data: { objective_id: rick.id, title: 'No target', kind: 'numeric' } } }), 422);
      expect(pointers(a)).toEqual(['/data/target']);
      const b = await refused(api('rep')('/api/records/okr.key_result', { method: 'POST', json: { data: { objective_id: rick.id, title: 'Wrong way', kind: 'numeric', start: 10, target: 5 } } }), 422);
      expect(pointers(b)).toEqual(['/data/direction']);
      const c = await refused(api('rep')('/api/records/okr.key_result', { method: 'POST', json: { data: { objective_id: rick.id, title: 'Nope', kind: 'metric', metric: 'pipeline.no_such', scope_user: 'rick-rep', target: 5 } } }), 422);
      expect(pointers(c)).toEqual(['/data/metric']);
      const d = await refused(api('rep')('/api/records/okr.key_result', { method: 'POST', json: { data: { objective_id: rick.id, title: 'Peek', kind: 'metric', metric: 'pipeline.won_value', scope_user: 'otto-rep', target: 5 } } }), 422);
      expect(pointers(d)).toEqual(['/data/scope_user']);
      const e = await refused(api('rep')('/api/records/okr.key_result', { method: 'POST', json: { data: { objective_id: rick.id, title: 'Mixed', kind: 'numeric', target: 5, metric: 'pipeline.won_value' } } }), 422);
      expect(pointers(e)).toEqual(['/data/metric']);
    });
  });

  describe('check-ins and roll-up', () => {
    let calls: View;
    let demo: View;
    let churn: View;
    it('a check-in moves its numeric key result; progress = (current - start) / (target - start), capped by config', async () => {
      calls = await create(api('rep'), 'okr.key_result', { objective_id: rick.id, title: 'Calls made', kind: 'numeric', start: 0, target: 40, weight: 1 });
      expect((await read(api('rep'), 'okr.key_result', calls.id)).computed).toMatchObject({ current: 0, progress: 0, confidence: null, status: null });
      clock += 1000;
      await create(api('rep'), 'okr.check_in', { key_result_id: calls.id, value: 30, confidence: 7, status: 'on_track', comment: 'Good week' });
      clock += DAY;
      expect((await read(api('rep'), 'okr.key_result', calls.id)).computed).toMatchObject({ current: 30, progress: 0.75, confidence: 7, status: 'on_track' });
      clock += 1000;
      await create(api('rep'), 'okr.check_in', { key_result_id: calls.id, value: 80, confidence: 9, status: 'on_track', blockers: 'none' });
      // 80 / 40 = 2, capped at PIPEWRIGHT_PLUGIN_OKR_PROGRESS_CAP = 1.5.
      expect((await read(api('rep'), 'okr.key_result', calls.id)).computed).toMatchObject({ current: 80, progress: 1.5, confidence: 9 });
      clock += 1000;
      await create(api('rep'), 'okr.check_in', { key_result_id: calls.id, value: 20, confidence: 4, status: 'at_risk', blockers: 'Phones down' });
      expect((await read(api('rep'), 'okr.key_result', calls.id)).computed).toMatchObject({ current: 20, progress: 0.5, confidence: 4, status: 'at_risk' });
    });

    it('a downward key result and a milestone', async () => {
      churn = await create(api('rep'), 'okr.key_result', { objective_id: rick.id, title: 'Churned accounts', kind: 'numeric', start: 10, target: 5, direction: 'down', weight: 1, cap: 1 });
      clock += 1000;
      await create(api('rep'), 'okr.check_in', { key_result_id: churn.id, value: 8, confidence: 6, status: 'on_track' });
      expect((await read(api('rep'), 'okr.key_result', churn.id)).computed).toMatchObject({ current: 8, progress: 0.4 });
      demo = await create(api('rep'), 'okr.key_result', { objective_id: rick.id, title: 'Demo kit ready', kind: 'milestone', weight: 2 });
      expect((await read(api('rep'), 'okr.key_result', demo.id)).computed).toMatchObject({ current: 0, progress: 0 });
      const p = await refused(api('rep')('/api/records/okr.check_in', { method: 'POST', json: { data: { key_result_id: demo.id, confidence: 5, status: 'on_track' } } }), 422);
      expect(pointers(p)).toEqual(['/data/done']);
      clock += 1000;
      await create(api('rep'), 'okr.check_in', { key_result_id: demo.id, done: true, confidence: 10, status: 'on_track' });
      expect((await read(api('rep'), 'okr.key_result', demo.id)).computed).toMatchObject({ current: 1, progress: 1 });
    });

    it("an objective's progress is the weighted mean of its key results, and of its children where it says so", async () => {
      // Rick: calls 0.5 (w1), churn 0.4 (w1), demo 1 (w2) -> (0.5 + 0.4 + 2) / 4.
      const rickP = (0.5 + 0.4 + 2) / 4;
      expect((await read(api('rep'), 'okr.objective', rick.id)).computed?.progress).toBeCloseTo(rickP, 12);
      // Team A has one key result of its own (0.25, weight 1) and Rick (weight 1).
      const teamKr = await create(api('manager'), 'okr.key_result', { objective_id: teamA.id, title: 'Team pipeline reviews', kind: 'numeric', start: 0, target: 4 });
      clock += 1000;
      await create(api('manager'), 'okr.check_in', { key_result_id: teamKr.id, value: 1, confidence: 5, status: 'at_risk' });
      const teamP = (0.25 + rickP) / 2;
      const team = await read(api('rep'), 'okr.objective', teamA.id);
      expect(team.computed?.progress).toBeCloseTo(teamP, 12);
      expect(team.computed && 'current' in team.computed).toBe(false);
      // North only rolls up its children: Team A (weight 2) and Team B's objective (weight 1, progress 0).
      const teamB = await create(api('regional'), 'okr.objective', { title: 'Team B', level: 'team', cycle_id: cycle.id, parent_id: north.id }, { orgUnit: 't-north-b' });
      await create(api('regional'), 'okr.key_result', { objective_id: teamB.id, title: 'B result', kind: 'numeric', target: 10 }, { orgUnit: 't-north-b' });
      expect((await read(api('other-rep'), 'okr.objective', north.id)).computed?.progress).toBeCloseTo((2 * teamP + 0) / 3, 12);
      // The company objective does not include children and has no key results: nothing to show.
      expect((await read(api('other-rep'), 'okr.objective', company.id)).computed?.progress).toBeNull();
      // A list answers the same numbers.
      const list = await expectJson<{ items: View[] }>(api('rep')(`/api/records/okr.objective?filter[cycle_id]=${cycle.id}&limit=100`), 200);
      expect(list.items.find((o) => o.id === teamA.id)?.computed?.progress).toBeCloseTo(teamP, 12);
    });

    it('the confidence trend of a key result is its check-ins in date order', async () => {
      const list = await expectJson<{ items: View[] }>(api('other-rep')(`/api/records/okr.check_in?filter[key_result_id]=${calls.id}&sort=date`), 200);
      expect(list.items.map((c) => c.data.confidence)).toEqual([7, 9, 4]);
      expect(list.items.map((c) => c.data.status)).toEqual(['on_track', 'on_track', 'at_risk']);
    });

    it('only the owner and managers above check in; others read and get 422 naming the key result', async () => {
      const p = await refused(api('colleague')('/api/records/okr.check_in', { method: 'POST', json: { data: { key_result_id: calls.id, value: 1, confidence: 1, status: 'off_track' } } }), 422);
      expect(pointers(p)).toEqual(['/data/key_result_id']);
      expect(p.errors?.[0]?.code).toBe('okr.not-editor');
      const q = await refused(api('other-manager')('/api/records/okr.check_in', { method: 'POST', json: { data: { key_result_id: calls.id, value: 1, confidence: 1, status: 'off_track' } } }), 422);
      expect(pointers(q)).toEqual(['/data/key_result_id']);
      clock += 1000;
      await create(api('manager'), 'okr.check_in', { key_result_id: calls.id, value: 24, confidence: 5, status: 'at_risk', comment: 'Coached' });
      clock += 1000;
      await create(api('regional'), 'okr.check_in', { key_result_id: calls.id, value: 26, confidence: 6, status: 'at_risk' });
      expect((await read(api('colleague'), 'okr.key_result', calls.id)).computed).toMatchObject({ current: 26, confidence: 6 });
      const r = await refused(api('colleague')('/api/records/okr.key_result', { method: 'POST', json: { data: { objective_id: rick.id, title: 'Mine now', kind: 'numeric', target: 3 } } }), 422);
      expect(pointers(r)).toEqual(['/data/objective_id']);
    });
  });

  describe('transparency and privacy', () => {
    it("a rep reads every level's objectives but edits only his own", async () => {
      for (const o of [company, north, teamA, rick]) await read(api('other-rep'), 'okr.objective', o.id);
      const res = await api('other-rep')(`/api/records/okr.objective/${rick.id}`, { method: 'PATCH', headers: { 'if-match': `"${rick.version}"` }, json: { data: { title: 'Hijacked' } } });
      expect(res.status).toBe(403);
      const own = await read(api('rep'), 'okr.objective', rick.id);
      await expectJson<View>(api('rep')(`/api/records/okr.objective/${rick.id}`, { method: 'PATCH', headers: { 'if-match': `"${own.version}"` }, json: { data: { description: 'Calls, churn, demos' } } }), 200);
      const up = await read(api('manager'), 'okr.objective', rick.id);
      await expectJson<View>(api('manager')(`/api/records/okr.objective/${rick.id}`, { method: 'PATCH', headers: { 'if-match': `"${up.version}"` }, json: { data: { weight: 1 } } }), 200);
      const rickNow = await read(api('rep'), 'okr.objective', rick.id);
      expect((await api('rep')(`/api/records/okr.objective/${teamA.id}`, { method: 'PATCH', headers: { 'if-match': `"${teamA.version}"` }, json: { data: { title: 'Mine' } } })).status).toBe(403);
      expect(rickNow.data.title).toBe("Rick's quarter");
    });

    it('a private objective, its key results and check-ins are hidden from everyone but the owner, managers above and admins', async () => {
      const secret = await create(api('rep'), 'okr.objective', { title: 'Private plan', level: 'person', cycle_id: cycle.id, parent_id: teamA.id, private: true });
      const kr = await create(api('rep'), 'okr.key_result', { objective_id: secret.id, title: 'Private number', kind: 'numeric', target: 3, private: false });
      expect(kr.data.private).toBe(true);
      clock += 1000;
      const ci = await create(api('rep'), 'okr.check_in', { key_result_id: kr.id, value: 1, confidence: 3, status: 'off_track' });
      expect(ci.data.private).toBe(true);
      for (const [type, id] of [['okr.objective', secret.id], ['okr.key_result', kr.id], ['okr.check_in', ci.id]] as const) {
        for (const who of ['colleague', 'other-rep', 'other-manager'] as const) expect((await api(who)(`/api/records/${type}/${id}`)).status, `${who} ${type}`).toBe(404);
        for (const who of ['rep', 'manager', 'regional', 'admin'] as const) expect((await api(who)(`/api/records/${type}/${id}`)).status, `${who} ${type}`).toBe(200);
      }
      const list = await expectJson<{ items: View[]; total: number }>(api('other-rep')(`/api/records/okr.objective?filter[cycle_id]=${cycle.id}&total=true&limit=100`), 200);
      expect(list.items.some((o) => o.id === secret.id)).toBe(false);
      expect(list.total).toBe(list.items.length);
      // made public: the objective, its key result and check-in are read by everyone
      const opened = await expectJson<View>(api('rep')(`/api/records/okr.objective/${secret.id}`, { method: 'PATCH', headers: { 'if-match': `"${secret.version}"` }, json: { data: { private: false } } }), 200);
      for (const [type, id] of [['okr.objective', secret.id], ['okr.key_result', kr.id], ['okr.check_in', ci.id]] as const) {
        for (const who of ['colleague', 'other-rep', 'other-manager'] as const) expect((await api(who)(`/api/records/${type}/${id}`)).status, `${who} ${type} public`).toBe(200);
        expect((await read(api('rep'), type, id)).data.private).toBe(false);
      }
      expect((await expectJson<{ items: View[] }>(api('other-rep')(`/api/records/okr.objective?filter[cycle_id]=${cycle.id}&limit=100`), 200)).items.some((o) => o.id === secret.id)).toBe(true);
      // and private again: hidden again, all three
      await expectJson<View>(api('rep')(`/api/records/okr.objective/${secret.id}`, { method: 'PATCH', headers: { 'if-match': `"${opened.version}"` }, json: { data: { private: true } } }), 200);
      for (const [type, id] of [['okr.objective', secret.id], ['okr.key_result', kr.id], ['okr.check_in', ci.id]] as const) {
        for (const who of ['colleague', 'other-rep', 'other-manager'] as const) expect((await api(who)(`/api/records/${type}/${id}`)).status, `${who} ${type} private again`).toBe(404);
        for (const who of ['rep', 'manager', 'admin'] as const) expect((await api(who)(`/api/records/${type}/${id}`)).status, `${who} ${type} private again`).toBe(200);
      }
    });

    it("privacy changes only when the changer may rewrite every key result and check-in: a rep cannot hide his manager's key result, the manager can", async () => {
      const plan = await create(api('rep'), 'okr.objective', { title: 'Open plan', level: 'person', cycle_id: cycle.id, parent_id: teamA.id });
      const kr = await create(api('manager'), 'okr.key_result', { objective_id: plan.id, title: "Manager's number", kind: 'numeric', target: 5 });
      clock += 1000;
      const ci = await create(api('manager'), 'okr.check_in', { key_result_id: kr.id, value: 2, confidence: 6, status: 'on_track' });
      const p = await refused(api('rep')(`/api/records/okr.objective/${plan.id}`, { method: 'PATCH', headers: { 'if-match': `"${plan.version}"` }, json: { data: { private: true } } }), 422);
      expect(pointers(p)).toEqual(['/data/private']);
      // nothing changed: all three still public
      for (const [type, id] of [['okr.objective', plan.id], ['okr.key_result', kr.id], ['okr.check_in', ci.id]] as const) expect((await api('other-rep')(`/api/records/${type}/${id}`)).status, type).toBe(200);
      await expectJson<View>(api('manager')(`/api/records/okr.objective/${plan.id}`, { method: 'PATCH', headers: { 'if-match': `"${plan.version}"` }, json: { data: { private: true } } }), 200);
      for (const [type, id] of [['okr.objective', plan.id], ['okr.key_result', kr.id], ['okr.check_in', ci.id]] as const) {
        expect((await api('other-rep')(`/api/records/${type}/${id}`)).status, `other-rep ${type}`).toBe(404);
        expect((await api('rep')(`/api/records/${type}/${id}`)).status, `rep ${type}`).toBe(200);
      }
      // a closed cycle's privacy is fixed with the rest of it (covered by the closing test), and others than the editors get 403
      expect((await api('other-rep')(`/api/records/okr.objective/${plan.id}`, { method: 'PATCH', headers: { 'if-match': `"${plan.version + 1}"` }, json: { data: { private: false } } })).status).toBe(404);
    });
  });

  describe('staleness reminders', () => {
    it('the job is scheduled', async () => {
      const schedules = await server.platform.processes.queue.boss.getSchedules();
      expect(schedules.find((s) => s.name === 'pwp_okr__stale_check_ins')?.cron).toBe('0 * * * *');
    });

    it('remind the owner after N days without a check-in and his manager after M, once each', async () => {
      const cycle2 = await create(api('admin'), 'okr.cycle', { name: 'Stale cycle', kind: 'half', start: '2026-01-01', end: '2026-06-30', state: 'active' });
      const o = await create(api('colleague'), 'okr.objective', { title: 'Cora goes quiet', level: 'person', cycle_id: cycle2.id });
      const kr = await create(api('colleague'), 'okr.key_result', { objective_id: o.id, title: 'Quiet numbers', kind: 'numeric', target: 10 });
      const run = () => expectJson<{ owners: number; managers: number }>(api('admin')('/api/plugins/okr/reminders/run', { method: 'POST', json: {} }), 200);
      const mine = async (who: TestUser) => (await expectJson<{ items: { kind: string; record: { id: string } | null; title: string }[] }>(api(who)('/api/notifications'), 200)).items.filter((n) => n.record?.id === kr.id);
      const start = clock;
      await create(api('colleague'), 'okr.check_in', { key_result_id: kr.id, value: 1, confidence: 8, status: 'on_track' });
      clock = start + 6 * DAY;
      await run();
      expect(await mine('colleague')).toHaveLength(0);
      clock = start + 7 * DAY + 1000;
      const first = await run();
      expect(first.owners).toBeGreaterThanOrEqual(1);
      expect((await mine('colleague')).map((n) => n.kind)).toEqual(['okr.stale']);
      expect(await mine('manager')).toHaveLength(0);
      clock = start + 10 * DAY;
      await run();
      expect(await mine('colleague')).toHaveLength(1);
      clock = start + 14 * DAY + 1000;
      await run();
      expect((await mine('manager')).map((n) => n.kind)).toEqual(['okr.stale-escalated']);
      expect(await mine('colleague')).toHaveLength(1);
      expect(await mine('regional')).toHaveLength(0);
      await run();
      expect(await mine('manager')).toHaveLength(1);
      // A new check-in, then silence again: a new reminder.
      await create(api('colleague'), 'okr.check_in', { key_result_id: kr.id, value: 2, confidence: 6, status: 'at_risk' });
      clock += 8 * DAY;
      await run();
      expect(await mine('colleague')).toHaveLength(2);
      const zh = await expectJson<{ items: { title: string; record: { id: string } | null }[] }>(api('colleague')('/api/notifications', { headers: { 'accept-language': 'zh-CN' } }), 200);
      expect(zh.items.find((n) => n.record?.id === kr.id)?.title).toBe('请更新关键成果“Quiet numbers”的进展');
    });
  });

  describe('closing a cycle', () => {
    it('stores the final scores; the closed cycle and its OKRs are read-only and keep them', async () => {
      const before = await read(api('rep'), 'okr.objective', teamA.id);
      const c = await read(api('admin'), 'okr.cycle', cycle.id);
      const closed = await expectJson<View>(api('admin')(`/api/records/okr.cycle/${cycle.id}`, { method: 'PATCH', headers: { 'if-match': `"${c.version}"` }, json: { data: { state: 'closed' } } }), 200);
      expect(closed.data.closed_at).toBe(new Date(clock).toISOString());
      const after = await read(api('rep'), 'okr.objective', teamA.id);
      expect(after.computed).toMatchObject({ progress: before.computed?.progress, final: true });
      const krs = await expectJson<{ items: View[] }>(api('rep')(`/api/records/okr.key_result?filter[objective_id]=${rick.id}&sort=title`), 200);
      expect(krs.items.map((k) => [k.data.title, k.computed?.current, k.computed?.final])).toEqual([
        ['Calls made', 26, true],
        ['Churned accounts', 8, true],
        ['Demo kit ready', 1, true],
      ]);
      const calls = krs.items[0] as View;
      const a = await refused(api('rep')('/api/records/okr.check_in', { method: 'POST', json: { data: { key_result_id: calls.id, value: 40, confidence: 10, status: 'on_track' } } }), 422);
      expect(a.errors?.[0]?.code).toBe('okr.cycle-closed');
      const current = await read(api('rep'), 'okr.objective', rick.id);
      const b = await refused(api('rep')(`/api/records/okr.objective/${rick.id}`, { method: 'PATCH', headers: { 'if-match': `"${current.version}"` }, json: { data: { title: 'Rewrite history' } } }), 422);
      expect(pointers(b)).toEqual(['/data/cycle_id']);
      const d = await refused(api('admin')(`/api/records/okr.cycle/${cycle.id}`, { method: 'PATCH', headers: { 'if-match': `"${closed.version}"` }, json: { data: { state: 'active' } } }), 422);
      expect(pointers(d)).toEqual(['/data/state']);
    });
  });
});
