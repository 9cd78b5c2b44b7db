import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, TEST_ORG, type ApiFetch, type TestServer } from '../../../runtime/test/harness';

/**
 * Who may call the scorecard plugin's routes and read its records: every route x role (admin,
 * manager, rep, another team's rep, another team's manager, anonymous, a read-only token), in
 * the style of runtime/src/auth/authorization-matrix.test.ts, on the test org (north-a: the
 * manager, rick-rep and cora-colleague; south-a: otto-rep and oscar-manager).
 */
type Caller = 'admin' | 'manager' | 'rep' | 'colleague' | 'other-rep' | 'other-manager' | 'anonymous' | 'read-only';
const CALLERS: Caller[] = ['admin', 'manager', 'rep', 'colleague', 'other-rep', 'other-manager', 'anonymous', 'read-only'];
const RICK = TEST_ORG.users.rep.id;

const CARD = {
  name: 'Matrix card',
  period: '2026-Q1',
  dimensions: [
    { id: 'results', label: 'Results', weight: 60, indicators: [{ id: 'won', label: 'Won', kind: 'metric', metric: 'pipeline.won_count', weight: 100 }] },
    { id: 'capability', label: 'Capability', weight: 40, indicators: [{ id: 'coaching', label: 'Coaching', kind: 'rating', rater: 'manager', weight: 100 }] },
  ],
};

describe.each(backends())('scorecard authorization on $name', (backend) => {
  let server: TestServer;
  let cardId: string;
  const api = (c: Caller): ApiFetch => {
    if (c === 'anonymous') return server.anonymous;
    if (c === 'read-only') return server.as('manager', 'token', ['read']).api;
    return server.as(c).api;
  };
  const cell = async (label: string, expected: number, res: Promise<Response>) => {
    const r = await res;
    const text = await r.text();
    expect(r.status, `${label}: ${text.slice(0, 500)}`).toBe(expected);
    if (expected >= 400) expect(r.headers.get('content-type'), label).toContain('application/problem+json');
    return text ? (JSON.parse(text) as any) : null;
  };
  const evaluationOf = async (rep: string) => {
    const list = (await (await server.api(`/api/records/scorecard.evaluation?filter[scorecard_id]=${cardId}&filter[rep_id]=${rep}`)).json()) as { items: { id: string; version: number; stage: string }[] };
    return list.items[0]!;
  };

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    expect((await server.api('/api/processes/scorecard_review/publish', { method: 'POST' })).status).toBe(201);
    const card = await server.api('/api/records/scorecard.scorecard', { method: 'POST', json: { data: CARD, owner: null } });
    expect(card.status, await card.clone().text()).toBe(201);
    cardId = ((await card.json()) as { id: string }).id;
  });
  afterAll(() => server?.close());

  it('scorecards: company-wide definitions everyone reads; only admins change them', async () => {
    for (const c of CALLERS) {
      await cell(`${c} GET scorecard`, c === 'anonymous' ? 401 : 200, api(c)(`/api/records/scorecard.scorecard/${cardId}`));
      const status = c === 'anonymous' ? 401 : c === 'read-only' ? 403 : c === 'admin' ? 201 : 403;
      await cell(`${c} POST scorecard`, status, api(c)('/api/records/scorecard.scorecard', { method: 'POST', json: { data: { ...CARD, name: `By ${c}` }, owner: null } }));
    }
  });

  it('POST /preview: managers and admins', async () => {
    for (const c of CALLERS) {
      const status = c === 'anonymous' ? 401 : c === 'admin' || c === 'manager' || c === 'other-manager' ? 200 : 403;
      await cell(`${c} preview`, status, api(c)('/api/plugins/scorecard/preview', { method: 'POST', json: { definition: CARD, period: '2026-Q1' } }));
    }
  });

  it('POST /scorecards/:id/compute: managers (their unit) and admins (everyone)', async () => {
    for (const c of CALLERS) {
      const status = c === 'anonymous' ? 401 : c === 'admin' || c === 'manager' || c === 'other-manager' ? 200 : 403;
      const body = await cell(`${c} compute`, status, api(c)(`/api/plugins/scorecard/scorecards/${cardId}/compute`, { method: 'POST', json: {} }));
      if (c === 'admin') expect(body.evaluations.map((e: { rep_id: string }) => e.rep_id).sort()).toEqual([TEST_ORG.users.colleague.id, RICK, TEST_ORG.users['other-rep'].id].sort());
      if (c === 'manager') expect(body.evaluations.map((e: { rep_id: string }) => e.rep_id).sort()).toEqual([TEST_ORG.users.colleague.id, RICK].sort());
      if (c === 'other-manager') expect(body.evaluations.map((e: { rep_id: string }) => e.rep_id)).toEqual([TEST_ORG.users['other-rep'].id]);
    }
    await cell('unknown scorecard', 404, server.api('/api/plugins/scorecard/scorecards/00000000-0000-4000-8000-000000000000/compute', { method: 'POST', json: {} }));
  });

  it('GET /scorecards/:id/results and the evaluation records: managers their subtree, a person nothing until published', async () => {
    const seen: Record<Caller, number> = { admin: 3, manager: 2, rep: 0, colleague: 0, 'other-rep': 0, 'other-manager': 1, anonymous: -1, 'read-only': 2 };
    const ev = await evaluationOf(RICK);
    for (const c of CALLERS) {
      const body = await cell(`${c} results`, c === 'anonymous' ? 401 : 200, api(c)(`/api/plugins/scorecard/scorecards/${cardId}/results?period=2026-Q1`));
      if (body && c !== 'anonymous') expect(body.leaderboard.length, c).toBe(seen[c]);
      const readable = c === 'admin' || c === 'manager' || c === 'read-only';
      await cell(`${c} GET rick's evaluation`, c === 'anonymous' ? 401 : readable ? 200 : 404, api(c)(`/api/records/scorecard.evaluation/${ev.id}`));
    }
    await cell('results without a period', 400, server.api(`/api/plugins/scorecard/scorecards/${cardId}/results`));
  });

  it('POST /evaluations/:id/peers: managers of the subtree and admins assign peers; only assigned peers give peer ratings (403 otherwise); GET /peer-reviews lists a peer\'s assignments only', async () => {
    const scores = [{ dimension_id: 'capability', indicator_id: 'coaching', score: 3 }];
    const rate = (c: Caller) => api(c)('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: cardId, rep_id: RICK, period: '2026-Q1', relation: 'peer', scores } } });
    const refused = await cell('colleague rates rick unassigned', 403, rate('colleague'));
    expect(refused).toMatchObject({ code: 'scorecard.not-assigned-peer', errors: [expect.objectContaining({ pointer: '/data/rep_id' })] });
    const ev = await evaluationOf(RICK);
    const assign = (c: Caller, peers: string[]) => api(c)(`/api/plugins/scorecard/evaluations/${ev.id}/peers`, { method: 'POST', json: { peers } });
    const statuses: Record<Caller, number> = { admin: 200, manager: 200, rep: 403, colleague: 403, 'other-rep': 403, 'other-manager': 404, anonymous: 401, 'read-only': 403 };
    for (const c of CALLERS) await cell(`${c} assigns peers`, statuses[c], assign(c, [TEST_ORG.users['other-rep'].id]));
    await cell('rick as his own peer', 422, assign('manager', [RICK])).then((p) => expect(p.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/peers/0']));
    await cell('an unknown peer', 422, assign('manager', ['nobody-at-all'])).then((p) => expect(p.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/peers/0']));
    await cell('peers not a list', 422, api('manager')(`/api/plugins/scorecard/evaluations/${ev.id}/peers`, { method: 'POST', json: { peers: 'x' } })).then((p) => expect(p.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/peers']));
    await cell('manager assigns the colleague', 200, assign('manager', [TEST_ORG.users.colleague.id]));
    // The other team's rep was assigned and then replaced: he may no longer rate.
    await cell('other-rep rates rick after being replaced', 403, rate('other-rep'));
    await cell('rep rates himself as a peer', 422, rate('rep'));
    const mine = await cell('colleague lists his peer reviews', 200, api('colleague')('/api/plugins/scorecard/peer-reviews'));
    expect(mine.items.map((i: { rep_id: string; evaluation_id: string }) => [i.rep_id, i.evaluation_id])).toEqual([[RICK, ev.id]]);
    for (const c of ['rep', 'other-rep', 'manager'] as const) expect((await cell(`${c} lists peer reviews`, 200, api(c)('/api/plugins/scorecard/peer-reviews'))).items, c).toEqual([]);
    await cell('anonymous peer reviews', 401, api('anonymous')('/api/plugins/scorecard/peer-reviews'));
    // Assigned, the colleague still cannot read the evaluation itself.
    await cell('colleague reads rick\'s evaluation', 404, api('colleague')(`/api/records/scorecard.evaluation/${ev.id}`));
  });

  it('ratings: a peer sees only what he rated; the rated person does not see it', async () => {
    const scores = [{ dimension_id: 'capability', indicator_id: 'coaching', score: 4 }];
    const rating = await cell('colleague rates rick', 201, api('colleague')('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: cardId, rep_id: RICK, period: '2026-Q1', relation: 'peer', scores } } }));
    const expected: Record<Caller, number> = { admin: 200, manager: 200, colleague: 200, rep: 404, 'other-rep': 404, 'other-manager': 404, anonymous: 401, 'read-only': 200 };
    for (const c of CALLERS) await cell(`${c} GET the peer rating`, expected[c], api(c)(`/api/records/scorecard.rating/${rating.id}`));
    await cell('a rep giving a manager rating', 422, api('rep')('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: cardId, rep_id: TEST_ORG.users.colleague.id, period: '2026-Q1', relation: 'manager', scores } } }));
    await cell('read-only rating', 403, api('read-only')('/api/records/scorecard.rating', { method: 'POST', json: { data: { scorecard_id: cardId, rep_id: RICK, period: '2026-Q1', relation: 'manager', scores } } }));
  });

  it('POST /evaluations/:id/calibrate: only in calibration, by managers of the subtree and admins; publishing shows it to the person', async () => {
    let ev = await evaluationOf(RICK);
    await cell('calibrate before calibration', 409, server.api(`/api/plugins/scorecard/evaluations/${ev.id}/calibrate`, { method: 'POST', json: { total: 50, reason: 'early' } }));
    for (const to of ['peer_review', 'manager_review', 'calibration']) {
      await cell(`rep moves to ${to}`, 404, api('rep')(`/api/records/scorecard.evaluation/${ev.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${ev.version}"` }, json: { to } }));
      await cell(`manager moves to ${to}`, 200, api('manager')(`/api/records/scorecard.evaluation/${ev.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${ev.version}"` }, json: { to } }));
      ev = await evaluationOf(RICK);
    }
    const statuses: Record<Caller, number> = { admin: 200, manager: 200, rep: 403, colleague: 403, 'other-rep': 403, 'other-manager': 404, anonymous: 401, 'read-only': 403 };
    for (const c of CALLERS) await cell(`${c} calibrate`, statuses[c], api(c)(`/api/plugins/scorecard/evaluations/${ev.id}/calibrate`, { method: 'POST', json: { total: 40, reason: `moved by ${c}` } }));
    await cell('assign peers in calibration', 409, server.api(`/api/plugins/scorecard/evaluations/${ev.id}/peers`, { method: 'POST', json: { peers: [TEST_ORG.users.colleague.id] } }));
    await cell('calibrate without a reason', 422, server.api(`/api/plugins/scorecard/evaluations/${ev.id}/calibrate`, { method: 'POST', json: { total: 40, reason: '  ' } }));
    await cell('calibrate above 100', 422, server.api(`/api/plugins/scorecard/evaluations/${ev.id}/calibrate`, { method: 'POST', json: { total: 140, reason: 'why not' } }));
    ev = await evaluationOf(RICK);
    await cell('manager publishes', 200, api('manager')(`/api/records/scorecard.evaluation/${ev.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${ev.version}"` }, json: { to: 'published', data: { published: true, published_at: '2026-04-02T09:00:00Z' } } }));
    const after: Record<Caller, number> = { admin: 200, manager: 200, rep: 200, colleague: 404, 'other-rep': 404, 'other-manager': 404, anonymous: 401, 'read-only': 200 };
    for (const c of CALLERS) await cell(`${c} GET the published evaluation`, after[c], api(c)(`/api/records/scorecard.evaluation/${ev.id}`));
    const mine = await cell('rick reads his', 200, api('rep')(`/api/records/scorecard.evaluation/${ev.id}`));
    await cell('rick edits his', 403, api('rep')(`/api/records/scorecard.evaluation/${ev.id}`, { method: 'PATCH', headers: { 'if-match': `"${mine.version}"` }, json: { data: { total: 100, change_reason: 'mine' } } }));
  });
});
