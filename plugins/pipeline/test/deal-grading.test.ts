import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../runtime/src/demo/seed';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { eventually, expectJson, type View } from '../../../runtime/test/process/helpers';

/**
 * Issue 18, grading that runs when an account's deals change: a deal write enqueues the pipeline
 * plugin's `summarise_accounts` job in its transaction; the job keeps the account's won value,
 * won and open deals, and crm's account hooks regrade it (the grading rule reads won_value), with
 * the change kept as a crm.grade_change record. On the demo data, with the job workers running.
 */
describe.each(backends())('regrading on deal changes on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5' });
    await seedDemo(server.platform);
    await server.platform.plugins.startWorkers();
  }, 600_000);
  afterAll(async () => {
    await server?.platform.plugins.stopWorkers();
    await server?.close();
  });

  const get = (type: string, id: string) => expectJson<View>(server.api(`/api/records/${type}/${id}`), 200);

  it('regrades an account when won deals move onto it, and back', async () => {
    // Hatfan: grade C (small), won value 117,942 in the CSV; two won deals of 17,000+ from other accounts lift it over 150,000.
    const account = (await expectJson<{ items: View[] }>(server.api('/api/records/crm.account?filter[name]=Hatfan'), 200)).items[0] as View;
    expect([account.data.grade, account.data.won_value]).toEqual(['C', 117_942]);
    const condax = (await expectJson<{ items: View[] }>(server.api('/api/records/crm.account?filter[name]=Condax'), 200)).items[0] as View;
    const big: View[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: View[]; nextCursor: string | null } = await expectJson(server.api(`/api/records/pipeline.deal?filter[stage]=won&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
      for (const d of page.items) if ((d.data.close_value as { amount: number }).amount >= 17_000 && typeof d.data.account_id === 'string' && d.data.account_id !== account.id && d.data.account_id !== condax.id && !big.some((b) => b.data.account_id === d.data.account_id)) big.push(d);
      cursor = page.nextCursor;
    } while (cursor && big.length < 2);
    const [one, two] = big as [View, View];
    const added = (one.data.close_value as { amount: number }).amount + (two.data.close_value as { amount: number }).amount;
    for (const d of [one, two]) await expectJson<View>(server.api(`/api/records/pipeline.deal/${d.id}`, { method: 'PATCH', headers: { 'if-match': `"${d.version}"` }, json: { data: { account_id: account.id } } }), 200);
    const graded = await eventually(async () => {
      const a = await get('crm.account', account.id);
      return a.data.won_value === 117_942 + added ? a : undefined;
    });
    expect([graded.data.grade, graded.data.grade_source, graded.data.won_deals]).toEqual(['B', 'rule', (account.data.won_deals as number) + 2]);
    const history = await expectJson<{ items: View[] }>(server.api(`/api/records/crm.grade_change?filter[account_id]=${account.id}&sort=changed_at`), 200);
    expect(history.items.map((h) => [h.data.from_grade ?? null, h.data.to_grade, h.data.source])).toEqual([
      [null, 'C', 'rule'],
      ['C', 'B', 'rule'],
    ]);
    // The account a deal left counts one won deal less, as the deals say.
    const left = String(one.data.account_id);
    const wonLeft = (await expectJson<{ total: number }>(server.api(`/api/records/pipeline.deal?filter[account_id]=${left}&filter[stage]=won&total=true&limit=1`), 200)).total;
    await eventually(async () => ((await get('crm.account', left)).data.won_deals === wonLeft ? true : undefined));

    // Moving them back makes it C again.
    for (const d of [one, two]) {
      const current = await get('pipeline.deal', d.id);
      await expectJson<View>(server.api(`/api/records/pipeline.deal/${d.id}`, { method: 'PATCH', headers: { 'if-match': `"${current.version}"` }, json: { data: { account_id: d.data.account_id } } }), 200);
    }
    const back = await eventually(async () => {
      const a = await get('crm.account', account.id);
      return a.data.grade === 'C' ? a : undefined;
    });
    expect([back.data.won_value, back.data.won_deals]).toEqual([117_942, account.data.won_deals]);
  });

  it('counts a new open deal on the account', async () => {
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Summary Fresh Ltd', status: 'active' } } }), 201);
    expect(account.data.open_deals).toBeUndefined();
    await expectJson<View>(server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'First deal', account_id: account.id } } }), 201);
    const counted = await eventually(async () => {
      const a = await get('crm.account', account.id);
      return a.data.open_deals === 1 ? a : undefined;
    });
    expect([counted.data.won_value, counted.data.won_deals, counted.data.grade]).toEqual([0, 0, 'C']);
  });
});
