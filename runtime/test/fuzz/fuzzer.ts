import fc from 'fast-check';
import { sql } from 'kysely';
import type { ApiFetch, TestServer } from '../harness';
import { requestsFor, type Caller, type FuzzRequest, type Pools } from './arbitraries';
import { operationsOf, type OpenApiDocument, type Operation } from './spec';

/** A request that broke a rule: a 5xx, a 2xx for an invalid body, or rows changed by a refusal. */
export interface Finding {
  operation: string;
  rule: '5xx' | '2xx-for-invalid-body' | 'rejected-write-changed-rows';
  status: number;
  request: FuzzRequest;
  response: string;
  /** fast-check's replay coordinates for this operation. */
  seed: number;
  path?: string;
}

export interface FuzzResult {
  seed: number;
  requests: number;
  operations: number;
  byStatus: Record<string, number>;
  findings: Finding[];
}

export interface FuzzOptions {
  /** Requests per operation. */
  perOperation: number;
  seed: number;
  /** Only operations whose id matches. */
  only?: RegExp;
  /** Stop an operation at its first finding (fast-check shrinks it first unless `shrink` is false). */
  shrink?: boolean;
  log?: (line: string) => void;
}

/** The environment the fuzzed server runs with: no rate limit in the way of the requests. */
export const FUZZ_ENV = { PIPEWRIGHT_RATE_LIMIT: '100000000', PIPEWRIGHT_LOGIN_RATE_LIMIT: '100000000' };

/** Seeds what requests can refer to: the test org, a published process, an account, deals. */
export async function seedPools(server: TestServer): Promise<Pools> {
  await server.seedOrg();
  const post = async (api: ApiFetch, path: string, json: unknown) => {
    const res = await api(path, { method: 'POST', json });
    if (res.status >= 300) throw new Error(`seeding ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  // Published already when the platform publishes shipped processes at start (409 nothing to publish).
  const published = await server.api('/api/processes/new_business/publish', { method: 'POST', json: {} });
  if (published.status !== 201 && published.status !== 409) throw new Error(`publishing new_business: ${published.status} ${await published.text()}`);
  const account = await post(server.api, '/api/records/crm.account', { data: { name: 'Fuzz Account', status: 'active' }, owner: 'rick-rep' });
  const rep = server.as('rep', 'token');
  const deal = await post(rep.api, '/api/records/pipeline.deal', { data: { name: 'Fuzz deal', account_id: account.id, amount: { amount: 1000, currency: 'USD' } } });
  const other = await post(server.as('other-rep', 'token').api, '/api/records/pipeline.deal', { data: { name: 'Hidden deal', external_id: 'FUZZ-HIDDEN' } });
  const processes = (await (await server.api('/api/processes')).json()) as { items: { id: string }[] };
  const def = (await (await server.api('/api/processes/new_business')).json()) as { draft?: { stages?: { id: string }[] } };
  return {
    recordIds: [account.id, deal.id, other.id],
    // Not rick-rep: the fuzzer signs in as him, and deactivating him would turn the rest into 401s.
    userIds: ['cora-colleague', 'otto-rep', 'mia-manager', 'nobody'],
    unitIds: ['t-company', 't-north-a', 't-south-a', 'nowhere'],
    processIds: processes.items.map((p) => p.id),
    entityTypes: (((await (await server.api('/api/entities')).json()) as { items: { fullId: string }[] }).items ?? []).map((e) => e.fullId),
    stages: (def.draft?.stages ?? []).map((s) => s.id),
  };
}

/** A digest of the rows a refused write must leave alone. */
async function snapshot(server: TestServer): Promise<string> {
  const db = server.platform.database.db;
  const r = await sql<{ n: string; v: string; d: string; s: string }>`select count(*)::text as n, coalesce(sum(version), 0)::text as v, count(deleted_at)::text as d, coalesce(md5(string_agg(id::text || ':' || version || ':' || coalesce(stage, ''), ',' order by id)), '') as s from records`.execute(db);
  const e = await sql<{ n: string; m: string }>`select count(*)::text as n, coalesce(max(id), 0)::text as m from events`.execute(db);
  return JSON.stringify([r.rows[0], e.rows[0]]);
}

/**
 * Sends generated requests for every operation of the server's `/openapi.json` and checks, for
 * each: no 5xx; no 2xx for a body that is invalid by construction; and after every refused write
 * (any method but GET answered 4xx), the records and events tables unchanged. Each operation runs
 * under fast-check with a seed derived from `seed`, so a finding replays with the printed seed.
 *
 * @example
 * ```ts
 * const result = await fuzz(server, { perOperation: 10, seed: 42 });
 * ```
 */
export async function fuzz(server: TestServer, o: FuzzOptions): Promise<FuzzResult> {
  const doc = (await (await server.anonymous('/openapi.json')).json()) as OpenApiDocument;
  const ops = operationsOf(doc).filter((op) => !o.only || o.only.test(op.id));
  const pools = await seedPools(server);
  const callers: Record<Caller, ApiFetch> = { admin: server.api, rep: server.as('rep', 'token').api, anonymous: server.anonymous };
  const result: FuzzResult = { seed: o.seed, requests: 0, operations: ops.length, byStatus: {}, findings: [] };
  for (const op of ops) {
    // Derived from the operation's id, so `--only` replays an operation with the same requests.
    const seed = (o.seed ^ hashOf(op.id)) | 0;
    const findings = await runOperation(server, doc, op, pools, callers, seed, o, result);
    result.findings.push(...findings);
    o.log?.(`${op.id}: ${o.perOperation} requests${findings.length ? `, ${findings.length} finding(s)` : ''}`);
  }
  return result;
}

async function runOperation(server: TestServer, doc: OpenApiDocument, op: Operation, pools: Pools, callers: Record<Caller, ApiFetch>, seed: number, o: FuzzOptions, result: FuzzResult): Promise<Finding[]> {
  let last: Finding | undefined;
  const property = fc.asyncProperty(requestsFor(doc, op, pools), async (req) => {
    const write = req.method !== 'GET';
    const before = write ? await snapshot(server) : '';
    const qs = req.query.length ? `?${new URLSearchParams(req.query).toString()}` : '';
    const res = await callers[req.caller](req.path + qs, { method: req.method, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) });
    const text = await res.text();
    result.requests++;
    result.byStatus[res.status] = (result.byStatus[res.status] ?? 0) + 1;
    const finding = (rule: Finding['rule']): Finding => ({ operation: op.id, rule, status: res.status, request: req, response: text.slice(0, 500), seed });
    if (res.status >= 500) last = finding('5xx');
    else if (req.invalidBody && res.status < 300) last = finding('2xx-for-invalid-body');
    else if (write && res.status >= 400 && (await snapshot(server)) !== before) last = finding('rejected-write-changed-rows');
    else return true;
    return false;
  });
  const details = await fc.check(property, { seed, numRuns: o.perOperation, endOnFailure: o.shrink === false });
  if (!details.failed || !last) return [];
  return [{ ...last, ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}) }];
}

function hashOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h | 0;
}
