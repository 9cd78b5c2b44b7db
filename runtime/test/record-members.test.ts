import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from './harness';
import { expectJson, move, publish, type Problem, type View } from './process/helpers';

/** Sends a raw JSON text: an object literal cannot carry an own `__proto__` member, JSON can. */
const raw = (client: Client, path: string, method: string, text: string, headers: Record<string, string> = {}) => client.api(path, { method, headers: { 'content-type': 'application/json', ...headers }, body: text });

describe.each(backends())('__proto__, constructor and prototype in record bodies on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let accountId: string;
  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    await server.seedOrg();
    await publish(server.api, 'new_business');
    accountId = (await expectJson<View>(rep.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Member Co', status: 'active' } } }), 201)).id;
  }, 120_000);
  afterAll(() => server?.close());

  const prospect = async (name: string): Promise<View> => {
    const deal = await expectJson<View>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name } } }), 201);
    if (deal.stage !== null) return deal;
    return (await expectJson<{ record: View }>(move(rep.api, deal.id, deal.version, { to: 'prospecting' }), 200)).record;
  };
  const read = async (id: string) => expectJson<View>(rep.api(`/api/records/pipeline.deal/${id}`), 200);

  it('refuses a transition whose data smuggles the requirements in __proto__ (the guard and requirement checks never see them)', async () => {
    const deal = await prospect('Proto transition');
    // The same move without the trick: the requirements are unmet.
    const plain = await expectJson<Problem>(move(rep.api, deal.id, deal.version, { to: 'engaging' }), 422);
    expect(plain.code).toBe('process.requirements-unmet');
    const fake = JSON.stringify({ account_id: accountId, engage_date: '2026-12-01', next_step: 'x', amount: { amount: 1000000, currency: 'USD' } });
    const res = await raw(rep, `/api/records/pipeline.deal/${deal.id}/transitions`, 'POST', `{"to":"engaging","data":{"__proto__":${fake}}}`, { 'if-match': `"${deal.version}"` });
    const problem = await expectJson<Problem>(res, 422);
    expect(problem.code).toBe('record.forbidden-member');
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/data/__proto__']);
    const after = await read(deal.id);
    expect([after.stage, after.version, after.data]).toEqual(['prospecting', deal.version, { name: 'Proto transition' }]);
  });

  it('refuses a PATCH that removes a required field and puts it back through __proto__', async () => {
    const deal = await prospect('Proto patch');
    const res = await raw(rep, `/api/records/pipeline.deal/${deal.id}`, 'PATCH', '{"data":{"name":null,"__proto__":{"name":"x"}}}', { 'if-match': `"${deal.version}"` });
    const problem = await expectJson<Problem>(res, 422);
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/data/__proto__']);
    const after = await read(deal.id);
    expect([after.version, after.data.name]).toEqual([deal.version, 'Proto patch']);
  });

  it('refuses the three names at any depth, in creates, patches and transitions, naming each pointer', async () => {
    const create = await expectJson<Problem>(raw(rep, '/api/records/pipeline.deal', 'POST', '{"data":{"name":"n","amount":{"amount":5,"currency":"USD","constructor":{"x":1}},"notes":"ok"}}'), 422);
    expect(create.errors?.map((e) => e.pointer)).toEqual(['/data/amount/constructor']);
    const deal = await prospect('Deep members');
    const patch = await expectJson<Problem>(raw(rep, `/api/records/pipeline.deal/${deal.id}`, 'PATCH', '{"data":{"amount":{"prototype":{"amount":1}},"close_value":{"__proto__":{"amount":2}}}}', { 'if-match': `"${deal.version}"` }), 422);
    expect(patch.errors?.map((e) => e.pointer).sort()).toEqual(['/data/amount/prototype', '/data/close_value/__proto__']);
    const transition = await expectJson<Problem>(raw(rep, `/api/records/pipeline.deal/${deal.id}/transitions`, 'POST', '{"to":"prospecting","data":{"lines":[{"a/b":{"constructor":1}}]}}', { 'if-match': `"${deal.version}"` }), 422);
    expect(transition.errors?.map((e) => e.pointer)).toEqual(['/data/lines/0/a~1b/constructor']);
    // Ordinary members that merely look alike pass through untouched.
    const fine = await expectJson<View>(raw(rep, `/api/records/pipeline.deal/${deal.id}`, 'PATCH', '{"data":{"notes":"__proto__ constructor prototype"}}', { 'if-match': `"${deal.version}"` }), 200);
    expect(fine.data.notes).toBe('__proto__ constructor prototype');
    expect(Object.getPrototypeOf((await read(deal.id)).data)).toBe(Object.prototype);
  });
});
