import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, TEST_ORG, type TestServer, type TestUser } from './harness';

/**
 * Issue 11, item 12: changing a record's `owner` or `orgUnit` is its own permission (an admin,
 * or a manager whose subtree holds the record); an `edit` share lets one change the record's
 * data, never give it to oneself or move it to another team.
 */
const DEAL = '/api/records/pipeline.deal';
const id = (u: TestUser) => TEST_ORG.users[u].id;

describe.each(backends())('changing owner and org unit on $name', (backend) => {
  let server: TestServer;
  let seq = 0;

  /** A deal of Rick (north A) shared for editing with `sharee`. */
  const sharedDeal = async (sharee?: TestUser): Promise<{ id: string; version: number }> => {
    const res = await server.api(DEAL, { method: 'POST', json: { data: { name: `Ownership ${++seq}` }, owner: id('rep') } });
    expect(res.status).toBe(201);
    const deal = (await res.json()) as { id: string; version: number };
    if (sharee) expect((await server.api(`${DEAL}/${deal.id}/shares`, { method: 'POST', json: { userId: id(sharee), access: 'edit' } })).status).toBe(201);
    return deal;
  };
  const patch = (as: TestUser, deal: { id: string; version: number }, json: unknown) => server.as(as).api(`${DEAL}/${deal.id}`, { method: 'PATCH', headers: { 'if-match': `"${deal.version}"` }, json });

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
  });
  afterAll(() => server?.close());

  it('refuses an edit share taking the deal over (owner and unit), and leaves it where it was', async () => {
    const deal = await sharedDeal('other-rep');
    const before = await countRows(server.platform);
    const res = await patch('other-rep', deal, { owner: id('other-rep'), orgUnit: 't-south-a' });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { code: string; detail: string; errors: { pointer: string }[] };
    expect(problem.code).toBe('record.reassign-forbidden');
    expect(problem.detail).toMatch(/owner's manager or an admin/);
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual(['/orgUnit', '/owner']);
    expect(await countRows(server.platform)).toEqual(before);
    // Each alone is refused too.
    expect((await patch('other-rep', deal, { owner: id('other-rep') })).status).toBe(403);
    expect((await patch('other-rep', deal, { orgUnit: 't-south-a' })).status).toBe(403);
    // The owner and his manager still see it; the share still lets its holder edit the data.
    for (const u of ['rep', 'manager'] as const) expect((await server.as(u).api(`${DEAL}/${deal.id}`)).status).toBe(200);
    const edited = await patch('other-rep', deal, { data: { next_step: 'send the quote' } });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as { owner: string; orgUnit: string }).owner).toBe(id('rep'));
  });

  it('refuses a same-team colleague with an edit share, and the owner himself giving the deal away', async () => {
    const deal = await sharedDeal('colleague');
    expect((await patch('colleague', deal, { owner: id('colleague') })).status).toBe(403);
    expect((await patch('rep', deal, { owner: id('colleague') })).status).toBe(403);
    expect((await patch('rep', deal, { orgUnit: 't-north-b' })).status).toBe(403);
    // Sending the current values is no change, and is allowed.
    expect((await patch('rep', deal, { owner: id('rep'), orgUnit: 't-north-a', data: { next_step: 'call' } })).status).toBe(200);
  });

  it("lets the owner's managers and admins reassign, and not another team's manager holding an edit share", async () => {
    const deal = await sharedDeal('other-manager');
    expect((await patch('other-manager', deal, { owner: id('other-manager') })).status).toBe(403);
    let current = deal;
    for (const [who, to] of [['manager', 'colleague'], ['regional', 'rep'], ['admin', 'other-rep']] as const) {
      const res = await patch(who, current, { owner: id(to), orgUnit: TEST_ORG.users[to].unit });
      expect(res.status, `${who}: ${await res.clone().text()}`).toBe(200);
      const body = (await res.json()) as { id: string; version: number; owner: string; orgUnit: string };
      expect([body.owner, body.orgUnit]).toEqual([id(to), TEST_ORG.users[to].unit]);
      current = body;
    }
    // Now in the south: the north's managers no longer hold it.
    expect((await patch('manager', current, { owner: id('rep') })).status).toBe(404);
  });
});
