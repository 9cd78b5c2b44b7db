import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../src/auth/roles';
import { backends, startServer, TEST_ORG, type TestServer, type TestUser } from './harness';

/**
 * The forecast routes x callers (admin, manager, regional manager, rep, other rep by session; a
 * read-only token; a token without the read scope; anonymous): each cell's status, and for the
 * allowed ones the open value the caller's forecast counts (only the deals the caller may see).
 */
const ROUTES = ['/api/plugins/pipeline/forecast?period=quarter', '/api/plugins/pipeline/forecast/backtest?from=2020-01-01&to=2020-03-01'];

interface Caller {
  label: string;
  user: TestUser | null;
  via?: 'session' | 'token';
  scopes?: Scope[];
  /** Owners of the deals the caller sees (null: refused with this status). */
  sees: TestUser[] | number;
}

const AMOUNTS: Partial<Record<TestUser, number>> = { rep: 1000, colleague: 2000, 'other-rep': 4000, manager: 8000 };
const CALLERS: Caller[] = [
  { label: 'admin', user: 'admin', sees: ['rep', 'colleague', 'other-rep', 'manager'] },
  { label: 'manager', user: 'manager', sees: ['rep', 'colleague', 'manager'] },
  { label: 'regional manager', user: 'regional', sees: ['rep', 'colleague', 'manager'] },
  { label: 'rep', user: 'rep', sees: ['rep'] },
  { label: 'other rep', user: 'other-rep', sees: ['other-rep'] },
  { label: 'rep token [read]', user: 'rep', via: 'token', scopes: ['read'], sees: ['rep'] },
  { label: 'rep token [write]', user: 'rep', via: 'token', scopes: ['write'], sees: 403 },
  { label: 'anonymous', user: null, sees: 401 },
];

describe.each(backends())('forecast authorization matrix on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    for (const [user, amount] of Object.entries(AMOUNTS)) {
      // the rep calls his deal commit; the others leave the category to the stage (pipeline)
      const category = user === 'rep' ? { forecast_category: 'commit' } : {};
      const res = await server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: `Forecast ${user}`, amount: { amount, currency: 'USD' }, ...category }, owner: TEST_ORG.users[user as TestUser].id } });
      expect(res.status, await res.clone().text()).toBe(201);
    }
  }, 120_000);
  afterAll(() => server?.close());

  for (const c of CALLERS) {
    it(`${c.label}: ${typeof c.sees === 'number' ? `refused ${c.sees}` : `sees ${c.sees.join(', ')}`}`, async () => {
      const fetcher = c.user === null ? server.anonymous : server.as(c.user, c.via ?? 'session', c.scopes).api;
      for (const path of ROUTES) {
        const res = await fetcher(path);
        const body = (await res.json()) as { total?: { open: number; categories: Record<string, number>; rollup: Record<string, number> }; origins?: unknown[] };
        if (typeof c.sees === 'number') {
          expect(res.status, path).toBe(c.sees);
          expect(res.headers.get('content-type')).toContain('application/problem+json');
          continue;
        }
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(200);
        if (path.includes('backtest')) expect(body.origins).toHaveLength(3);
        else {
          const open = c.sees.reduce((s, u) => s + (AMOUNTS[u] ?? 0), 0);
          const commit = c.sees.includes('rep') ? (AMOUNTS.rep ?? 0) : 0;
          expect(body.total?.open).toBe(open);
          expect(body.total?.categories).toEqual({ pipeline: open - commit, best_case: 0, commit, omitted: 0 });
          expect(body.total?.rollup).toEqual({ commit, best_case: commit, pipeline: open });
        }
      }
    });
  }
});
