import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from './harness';

/**
 * Issue 11, item 8: money is money. Currencies are ISO 4217 as the runtime knows them
 * (`Intl.supportedValuesOf('currency')`), amounts are non-negative unless the field is
 * `signedMoney`, on every write path (create, PATCH, import).
 */
const ACME = fileURLToPath(new URL('./fixtures/acme-plugins', import.meta.url));
const DEAL = '/api/records/pipeline.deal';

interface Problem {
  status: number;
  errors?: { pointer: string; code?: string }[];
}

describe.each(backends())('money on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_PLUGINS: ACME });
  });
  afterAll(() => server?.close());

  const refused = async (res: Promise<Response>, pointer: string) => {
    const r = await res;
    expect(r.status).toBe(422);
    const p = (await r.json()) as Problem;
    expect(p.errors?.map((e) => e.pointer)).toContain(pointer);
  };

  it('refuses currencies that are not ISO 4217 and negative amounts, writing nothing', async () => {
    const before = await countRows(server.platform);
    for (const currency of ['ZZZ', 'DOL', 'usd', 'US', 'EURO', '']) await refused(server.api(DEAL, { method: 'POST', json: { data: { name: `Bad ${currency}`, amount: { amount: 100, currency } } } }), '/data/amount/currency');
    await refused(server.api(DEAL, { method: 'POST', json: { data: { name: 'Negative', amount: { amount: -5, currency: 'USD' } } } }), '/data/amount/amount');
    expect(await countRows(server.platform)).toEqual(before);
    // Every code the runtime lists is accepted, zero included.
    const currencies = Intl.supportedValuesOf('currency');
    expect(currencies.length).toBeGreaterThan(100);
    for (const currency of ['USD', 'EUR', 'CNY', 'JPY', currencies[currencies.length - 1] as string]) {
      const res = await server.api(DEAL, { method: 'POST', json: { data: { name: `Good ${currency}`, amount: { amount: 0, currency } } } });
      expect(res.status, await res.clone().text()).toBe(201);
    }
  });

  it('refuses them on PATCH and on import too', async () => {
    const created = (await (await server.api(DEAL, { method: 'POST', json: { data: { name: 'Patched', amount: { amount: 10, currency: 'USD' } } } })).json()) as { id: string };
    await refused(server.api(`${DEAL}/${created.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { amount: { currency: 'ZZZ' } } } }), '/data/amount/currency');
    await refused(server.api(`${DEAL}/${created.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { amount: { amount: -0.01 } } } }), '/data/amount/amount');
    const before = await countRows(server.platform);
    const res = await server.api('/api/imports', { method: 'POST', json: { mapping: { entity: 'crm.account', fields: { name: 'name', status: { default: 'active' }, annual_revenue: { column: 'revenue', type: 'money', currency: 'ZZZ' } } }, csv: 'name,revenue\nMoney import,100' } });
    const report = JSON.stringify(await res.json());
    expect(res.status === 422 || report.includes('currency'), report).toBe(true);
    expect((await countRows(server.platform)).records).toBe(before.records);
  });

  it('lets a signedMoney field go below zero, still only in ISO 4217 currencies', async () => {
    const territory = (quota_adjustment: unknown) => server.api('/api/records/acme_territory.territory', { method: 'POST', json: { data: { name: 'North', region: 'north', quota_adjustment } } });
    expect((await territory({ amount: -2500, currency: 'EUR' })).status).toBe(201);
    await refused(territory({ amount: -1, currency: 'ZZZ' }), '/data/quota_adjustment/currency');
    await refused(server.api('/api/records/acme_territory.territory', { method: 'POST', json: { data: { name: 'South', region: 'south', quota: { amount: -1, currency: 'EUR' } } } }), '/data/quota/amount');
  });
});
