import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed';
import { backends, startServer, type TestServer } from '../harness';
import { expectJson } from './helpers';

interface Stay {
  stage: string;
  from: string | null;
  enteredAt: string;
  exitedAt: string | null;
  version: number;
}
interface Backtest {
  transitions: number;
  records: number;
  blocked: number;
  blockedRecords: number;
  durationMs: number;
  reasons: { kind: string; id: string; detail: string; count: number; records: string[] }[];
}

describe.each(backends())('pipeline analytics and backtests on the demo data set on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    // as on a fresh install: the demo seed publishes the default process itself
    server = await startServer(backend, {}, { drafts: true });
    await seedDemo(server.platform);
  }, 180_000);
  afterAll(() => server?.close());

  it('publishes the default pipeline as version 1 and attaches every imported deal with history from its dates', async () => {
    const nb = await expectJson<{ latestVersion: number; versions: { publishedBy: string }[] }>(server.api('/api/processes/new_business'), 200);
    expect(nb).toMatchObject({ latestVersion: 1, versions: [{ publishedBy: 'system:demo-seed' }] });
    const won = await expectJson<{ items: { id: string; data: { engage_date: string; close_date: string } }[] }>(server.api('/api/records/pipeline.deal?filter[external_id]=1C1I7A6R'), 200);
    const deal = won.items[0];
    if (!deal) throw new Error('deal 1C1I7A6R is missing');
    const history = await expectJson<{ items: Stay[] }>(server.api(`/api/deals/${deal.id}/history`), 200);
    expect(history.items.map((h) => [h.stage, h.from, h.version])).toEqual([['prospecting', null, 1], ['engaging', 'prospecting', 1], ['won', 'engaging', 1]]);
    const [p, e, w] = history.items as [Stay, Stay, Stay];
    expect(e.enteredAt.slice(0, 10)).toBe('2016-10-20');
    expect(p.exitedAt).toBe(e.enteredAt);
    const days = (Date.parse(e.enteredAt) - Date.parse(p.enteredAt)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(3);
    expect(days).toBeLessThanOrEqual(21);
    expect([e.exitedAt?.slice(0, 10), w.enteredAt.slice(0, 10), w.exitedAt]).toEqual(['2017-03-01', '2017-03-01', null]);
    const unattached = await server.platform.database.db.selectFrom('records').select('id').where('type', '=', 'pipeline.deal').where('process_id', 'is', null).execute();
    expect(unattached).toHaveLength(0);
  });

  it('reports time in stage from stage history', async () => {
    const t = await expectJson<{ stages: { stage: string; finished: number; medianDays: number; p75Days: number; current: number }[] }>(server.api('/api/pipeline/time-in-stage?process=new_business&asOf=2018-01-01'), 200);
    const by = Object.fromEntries(t.stages.map((s) => [s.stage, s]));
    expect(by.prospecting).toMatchObject({ finished: 8300, current: 500 });
    expect(by.engaging).toMatchObject({ finished: 6711, current: 1589 });
    expect(by.engaging?.medianDays).toBeGreaterThan(10);
    expect(by.engaging?.p75Days).toBeGreaterThan(by.engaging?.medianDays ?? 0);
    expect(by.won).toMatchObject({ finished: 0, current: 4238 });
  });

  it('reports stage-to-stage conversion and win rate by stage', async () => {
    const c = await expectJson<{ stages: { stage: string; entered: number; won: number; lost: number; winRate: number }[]; transitions: { from: string; to: string; count: number; rate: number }[] }>(server.api('/api/pipeline/conversion?process=new_business'), 200);
    const stage = Object.fromEntries(c.stages.map((s) => [s.stage, s]));
    expect(stage.prospecting).toMatchObject({ entered: 8800, won: 4238, lost: 2473 });
    expect(stage.engaging?.winRate).toBeCloseTo(4238 / 8300, 3);
    const moves = Object.fromEntries(c.transitions.map((t) => [`${t.from}>${t.to}`, t]));
    expect(moves['prospecting>engaging']).toMatchObject({ count: 8300, rate: 0.9432 });
    expect(moves['engaging>won']?.count).toBe(4238);
    expect(moves['engaging>lost']?.count).toBe(2473);
  });

  it('finds stuck deals beyond their SLA or the 75th percentile of time in their stage', async () => {
    const s = await expectJson<{ items: { stage: string; days: number; reasons: string[]; dueAt: string | null }[] }>(server.api('/api/pipeline/stuck?process=new_business&asOf=2018-01-01&limit=1000'), 200);
    expect(s.items.length).toBeGreaterThan(100);
    expect(s.items.every((i) => i.reasons.length > 0 && ['prospecting', 'engaging'].includes(i.stage))).toBe(true);
    expect(s.items.some((i) => i.reasons.includes('sla'))).toBe(true);
    expect(s.items.some((i) => i.reasons.includes('p75'))).toBe(true);
    const sorted = s.items.map((i) => i.days);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    expect((await server.api('/api/pipeline/stuck?process=new_business&asOf=yesterday')).status).toBe(400);
    expect((await server.api('/api/pipeline/stuck?process=nope')).status).toBe(404);
    // a missing query parameter is 400 naming it, as on every declared route (ADR 031)
    const missing = await server.api('/api/pipeline/stuck');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: { parameter: string }[] }).errors.map((e) => e.parameter)).toEqual(['process']);
  });

  it('narrows analytics to the records the caller may see', async () => {
    const c = await expectJson<{ stages: unknown[]; transitions: unknown[] }>(server.as('rep').api('/api/pipeline/conversion?process=new_business'), 200);
    expect(c).toEqual({ process: 'new_business', asOf: expect.any(String), stages: [], transitions: [] });
  });

  it('backtests a draft on the recorded transitions in seconds, by rule or requirement, on which deals', async () => {
    const current = await expectJson<Backtest>(server.api('/api/processes/new_business/simulate', { method: 'POST', json: {} }), 200);
    expect(current.transitions).toBe(8800 + 8300 + 6711);
    expect(current.records).toBe(8800);
    const reason = (r: Backtest, kind: string, id: string, detail?: string) => r.reasons.find((x) => x.kind === kind && x.id === id && (detail === undefined || x.detail === detail));
    expect(reason(current, 'not-allowed', 'engaging->won')?.count).toBe(4238);
    expect(reason(current, 'requirement', 'lost', 'lost_reason')?.count).toBe(2473);
    expect(reason(current, 'requirement', 'engaging', 'next_step')?.count).toBe(8300);
    expect(reason(current, 'requirement', 'engaging', 'next_step')?.records).toHaveLength(50);
    // How long it took is reported, not asserted: the suite must pass on a loaded machine.
    expect(current.durationMs).toBeGreaterThanOrEqual(0);

    const draft = (await expectJson<{ draft: Record<string, unknown> & { stages: { id: string; requirements?: { required: string[] } }[]; transitions: { id: string }[] } }>(server.api('/api/processes/new_business'), 200)).draft;
    draft.allowSkip = true;
    for (const s of draft.stages) {
      if (s.id === 'engaging' && s.requirements) s.requirements.required = s.requirements.required.filter((f) => f !== 'next_step');
      if (s.id === 'lost' && s.requirements) s.requirements.required = ['close_date'];
    }
    draft.transitions.push({ id: 'quick_win', from: 'engaging', to: 'won', guard: { '>=': [{ var: 'close_value.amount' }, 1000] }, guardMessage: 'Small wins go through proposal.' } as never);
    const next = await expectJson<Backtest>(server.api('/api/processes/new_business/simulate', { method: 'POST', json: { definition: draft } }), 200);
    expect(reason(next, 'not-allowed', 'engaging->won')).toBeUndefined();
    expect(reason(next, 'requirement', 'lost', 'lost_reason')).toBeUndefined();
    const small = reason(next, 'guard', 'quick_win');
    expect(small?.detail).toBe('Small wins go through proposal.');
    expect(small?.count).toBeGreaterThan(0);
    expect(small?.count).toBeLessThan(4238);
    expect(next.blocked).toBeLessThan(current.blocked);
    const invalid = await expectJson<{ code: string }>(server.api('/api/processes/new_business/simulate', { method: 'POST', json: { definition: { ...draft, initialStage: 'nowhere' } } }), 422);
    expect(invalid.code).toBe('process.invalid');
    expect((await server.as('manager').api('/api/processes/new_business/simulate', { method: 'POST', json: {} })).status).toBe(403);
  });
});
