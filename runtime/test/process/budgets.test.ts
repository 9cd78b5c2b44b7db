import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { expectJson, move, publish, type Problem, type View } from './helpers';

const list = Array.from({ length: 1000 }, (_, i) => i);
/** Issue 11 item 16: three nested 1,000-element loops in a published guard. */
const CUBIC = { none: [list, { none: [list, { none: [list, { '==': [{ var: '' }, -1] }] }] }] };

const definition = (id: string, namePattern: string) => ({
  id,
  label: id,
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [
    { id: 'a', label: 'A', kind: 'open' },
    { id: 'b', label: 'B', kind: 'open', requirements: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: namePattern } } } },
    { id: 'c', label: 'C', kind: 'open' },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'to_b', from: 'a', to: 'b' },
    { id: 'to_c', from: 'a', to: 'c', guard: CUBIC },
    { id: 'win', from: ['b', 'c'], to: 'won' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
});

describe.each(backends())('work limits on the request path on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    await server.seedOrg();
    await expectJson(server.api('/api/processes', { method: 'POST', json: definition('budgets', '^(a+)+$') }), 201);
    await publish(server.api, 'budgets');
  }, 120_000);
  afterAll(() => server?.close());

  const entered = async (name: string): Promise<View> => {
    const deal = await expectJson<View>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name }, process: 'budgets' } }), 201);
    if (deal.stage !== null) return deal;
    return (await expectJson<{ record: View }>(move(rep.api, deal.id, deal.version, { to: 'a', process: 'budgets' }), 200)).record;
  };

  it('refuses a move whose published guard exceeds the step budget, with a 422 naming the guard', async () => {
    const deal = await entered('Cubic guard');
    const problem = await expectJson<Problem>(move(rep.api, deal.id, deal.version, { to: 'c' }), 422);
    expect(problem.code).toBe('process.guard-budget-exceeded');
    expect(String(problem.guardPointer)).toMatch(/^\/transitions\/1\/guard\/none\/1\/none\/1\/none\/1/);
    expect(problem.detail).toMatch(/more than 1000000 steps/);
    // The server is free: the next request is answered, and the deal did not move.
    expect((await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).stage).toBe('a');
  });

  it('runs a catastrophic requirement pattern in linear time: a crafted name is refused, not a blocked server', async () => {
    const deal = await entered('a'.repeat(150) + '!');
    const problem = await expectJson<Problem>(move(rep.api, deal.id, deal.version, { to: 'b' }), 422);
    expect([problem.code, problem.errors?.[0]?.pointer]).toEqual(['process.requirements-unmet', '/data/name']);
    const ok = await entered('a'.repeat(150));
    expect((await expectJson<{ record: View }>(move(rep.api, ok.id, ok.version, { to: 'b' }), 200)).record.stage).toBe('b');
  });

  it('refuses, in the process checker, a pattern the linear engine cannot run, with its pointer', async () => {
    const problem = await expectJson<Problem>(server.api('/api/processes', { method: 'POST', json: definition('lookahead', '^(?=x)x$') }), 422);
    const detail = problem.errors?.find((e) => e.pointer === '/stages/1/requirements');
    expect(detail?.message).toMatch(/not supported.*linear-time/);
  });
});
