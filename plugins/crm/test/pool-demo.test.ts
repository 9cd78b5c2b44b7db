import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { randomSecret, sha256 } from '../../../runtime/src/auth/secrets';
import { TOKEN_PREFIX } from '../../../runtime/src/auth/tokens';
import { seedDemo } from '../../../runtime/src/demo/seed';
import { startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';

const DATA = new URL('../../../../shared/datasets/crm-sales-opportunities/', import.meta.url);
/** Account names of the raw data set (accounts.csv, first column). */
const accountNames = () => readFileSync(new URL('accounts.csv', DATA), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[0]);
/** Agents of the East regional office (sales_teams.csv: agent, manager, office). */
const eastAgents = () => readFileSync(new URL('sales_teams.csv', DATA), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')).filter((r) => r[2] === 'East').map((r) => String(r[0]));

/**
 * The demo on a fresh start (PGlite): two pools (the company's default pool and the East
 * region's), the data set's accounts, which have no owner, waiting in the default pool once the
 * pool job has run; a demo rep claims one.
 */
describe('account pool demo', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ name: 'pglite' });
    await seedDemo(server.platform);
  }, 600_000);
  afterAll(() => server?.close());

  it('ships two pools and puts the unowned demo accounts in the default one', async () => {
    await (plugin.jobs?.pool_recycle as (d: Record<string, unknown>, s: unknown) => Promise<void>)({}, server.platform.plugins.services('crm', systemPrincipal('plugin:crm')));
    const pools = (await expectJson<{ items: { id: string; name: string; nameZh: string | null; isDefault: boolean; pooled: number }[] }>(server.api('/api/plugins/crm/pool/pools'), 200)).items;
    const names = accountNames();
    expect(pools.map((p) => [p.name, p.nameZh, p.isDefault, p.pooled])).toEqual([
      ['Company pool', '公司公海', true, names.length],
      ['East region pool', '东区公海', false, 0],
    ]);
    const company = pools[0] as { id: string };
    const listed = await expectJson<{ items: { name: string }[]; total: number }>(server.api(`/api/plugins/crm/pool/pools/${company.id}/accounts?limit=200`), 200);
    expect(listed.items.map((i) => i.name).sort()).toEqual([...names].sort());
    // An East rep is a member of both; claims one account of the company pool.
    const agent = (eastAgents()[0] as string).toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const token = randomSecret(TOKEN_PREFIX);
    await server.platform.database.db.insertInto('api_tokens').values({ id: crypto.randomUUID(), user_id: agent, name: 'demo rep', scopes: JSON.stringify(['read', 'write']), token_hash: sha256(token), created_by: 'system:test', created_at: new Date() }).execute();
    server.canaries.push(token);
    const headers = { authorization: `Bearer ${token}` };
    const mine = (await expectJson<{ items: { name: string; member: boolean }[] }>(server.api('/api/plugins/crm/pool/pools', { headers }), 200)).items;
    expect(mine.map((p) => [p.name, p.member])).toEqual([['Company pool', true], ['East region pool', true]]);
    const id = (await expectJson<{ items: { id: string; name: string }[] }>(server.api(`/api/plugins/crm/pool/pools/${company.id}/accounts?limit=1`), 200)).items[0]?.id as string;
    const claimed = await expectJson<{ account: { owner: string } }>(server.api(`/api/plugins/crm/pool/accounts/${id}/claim`, { method: 'POST', headers }), 200);
    expect(claimed.account.owner).toBe(agent);
  }, 120_000);

  it("ships a daily report (日报) template for Dustin Brinkmann's team, with its questions, so the reports pages have content", async () => {
    const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    // The team's reps from the raw data set (sales_teams.csv: agent, manager, office).
    const team = readFileSync(new URL('sales_teams.csv', DATA), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')).filter((r) => r[1] === 'Dustin Brinkmann').map((r) => slug(String(r[0])));
    expect(team.length).toBeGreaterThan(0);
    const tokenFor = async (user: string) => {
      const token = randomSecret(TOKEN_PREFIX);
      await server.platform.database.db.insertInto('api_tokens').values({ id: crypto.randomUUID(), user_id: user, name: `demo ${user}`, scopes: JSON.stringify(['read', 'write']), token_hash: sha256(token), created_by: 'system:test', created_at: new Date() }).execute();
      server.canaries.push(token);
      return { authorization: `Bearer ${token}` };
    };
    const rep = await tokenFor(team[0] as string);
    const current = await expectJson<{ template: { id: string; name: string; period: string; questions: { key: string; label: string; label_zh?: string; required?: boolean }[]; figures: string[] }; figures: Record<string, number> }>(server.api('/api/plugins/crm/reports/current', { headers: rep }), 200);
    expect([current.template.name, current.template.period, current.template.figures]).toEqual(["日报 Daily report · Dustin Brinkmann's team", 'daily', ['visits', 'calls', 'stage_moves']]);
    expect(current.template.questions.map((q) => [q.key, q.label_zh, q.required === true])).toEqual([
      ['done_today', '今天完成了哪些工作？', true],
      ['plan_tomorrow', '明天的工作计划是什么？', true],
      ['help_needed', '需要哪些支持？', false],
    ]);
    expect(Object.keys(current.figures).sort()).toEqual(['calls', 'stage_moves', 'visits']);
    // The manager reads his team's submissions: every rep of his team in the data set is listed.
    const manager = await tokenFor('dustin-brinkmann');
    const board = await expectJson<{ members: { user: { id: string } }[]; rollup: { members: number; missing: number } }>(server.api(`/api/plugins/crm/reports/team?template=${current.template.id}`, { headers: manager }), 200);
    expect(board.members.map((m) => m.user.id).filter((id) => id !== 'dustin-brinkmann').sort()).toEqual([...team].sort());
    expect(board.rollup.missing).toBe(board.rollup.members);
  }, 120_000);
});
