import { randomUUID } from 'node:crypto';

/** An HTTP answer as the cluster test needs it. */
export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * One request with a bearer token, JSON in and out, and a generous timeout (a busy machine is
 * slow, never wrong). A network error answers status 0.
 *
 * @example
 * ```ts
 * const a = await call(url, token, 'GET', '/api/records/pipeline.deal?limit=1');
 * ```
 */
export async function call(base: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  try {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // nginx's own error pages are HTML.
    }
    return { status: res.status, headers: res.headers, body: parsed };
  } catch {
    return { status: 0, headers: new Headers(), body: null };
  }
}

/** What a load run did, for the test's assertions and its printed counts. */
export interface LoadCounts {
  /** Writes (transitions) sent, first attempts only. */
  writes: number;
  /** Write attempts that failed (502/503/504 or a cut connection) and were sent again with the same key. */
  retried: number;
  /** Answers the server replayed from a stored Idempotency-Key response. */
  replayed: number;
  /** Writes that never succeeded within the retry budget. */
  failedWrites: number;
  /** Reads sent, and reads that failed (no retry by the client: the load balancer retries them). */
  reads: number;
  failedReads: number;
  /** Acknowledged moves: the version each one produced, per deal. */
  acked: Map<string, number[]>;
  /** Unexpected answers, for the failure message. */
  errors: string[];
}

export interface LoadOptions {
  base: string;
  /** One token and one set of deals per client, so clients never race each other. */
  clients: { token: string; deals: { id: string; version: number; stage: string }[] }[];
  /** Stages to alternate between. */
  stages: [string, string];
  /** How long a write is retried in all (ms) before it counts as failed. */
  retryBudgetMs?: number;
  /** Upper bound of requests per client, whatever happens. */
  maxRequestsPerClient?: number;
  /**
   * Most requests one client starts per minute (a write's retries included). Each client has its
   * own token, so this keeps a client under the cluster's per-token rate limit however fast the
   * machine is; a 429 would otherwise count as a failed request.
   */
  perClientPerMinute?: number;
}

const RETRYABLE = new Set([0, 502, 503, 504]);

/**
 * Runs clients that alternate a transition (with an `Idempotency-Key` and `If-Match`) and a
 * read of the same deal until `stop()` is called, then resolves with the counts. A write that
 * fails in a way that may be temporary is sent again with the same key (bounded in time),
 * which is what makes it safe: the server either replays the stored answer or, if the first
 * attempt never committed, does the move once.
 *
 * @example
 * ```ts
 * const load = runLoad({ base, clients, stages: ['a', 'b'] });
 * await somethingBad();
 * const counts = await load.stop();
 * ```
 */
export function runLoad(o: LoadOptions): { stop(): Promise<LoadCounts>; progress(): number } {
  const counts: LoadCounts = { writes: 0, retried: 0, replayed: 0, failedWrites: 0, reads: 0, failedReads: 0, acked: new Map(), errors: [] };
  let stopping = false;
  const budget = o.retryBudgetMs ?? 90_000;
  const max = o.maxRequestsPerClient ?? 5000;
  const gapMs = o.perClientPerMinute ? 60_000 / o.perClientPerMinute : 0;
  const loops = o.clients.map(async (client) => {
    let last = -Infinity;
    /** Waits until this client may start its next request. */
    const pace = async () => {
      const wait = last + gapMs - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      last = Date.now();
    };
    for (let i = 0; !stopping && i < max; i++) {
      const deal = client.deals[i % client.deals.length] as { id: string; version: number; stage: string };
      if (i % 2 === 1) {
        counts.reads++;
        await pace();
        const r = await call(o.base, client.token, 'GET', `/api/records/pipeline.deal/${deal.id}`);
        if (r.status !== 200) {
          counts.failedReads++;
          counts.errors.push(`GET ${deal.id}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        }
        continue;
      }
      const to = deal.stage === o.stages[0] ? o.stages[1] : o.stages[0];
      const key = randomUUID();
      counts.writes++;
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        await pace();
        const r = await call(o.base, client.token, 'POST', `/api/records/pipeline.deal/${deal.id}/transitions`, { to }, { 'if-match': `"${deal.version}"`, 'idempotency-key': key });
        if (r.status === 200) {
          if (r.headers.get('idempotent-replayed') === 'true') counts.replayed++;
          const version = (r.body as { record: { version: number } }).record.version;
          const list = counts.acked.get(deal.id) ?? [];
          list.push(version);
          counts.acked.set(deal.id, list);
          deal.version = version;
          deal.stage = to;
          break;
        }
        if (RETRYABLE.has(r.status) && Date.now() - started < budget && attempt < 500) {
          counts.retried++;
          await new Promise((res) => setTimeout(res, Math.min(1000, 50 * 2 ** Math.min(attempt, 5))));
          continue;
        }
        counts.failedWrites++;
        counts.errors.push(`POST ${deal.id} -> ${to} (attempt ${attempt + 1}): ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        break;
      }
    }
  });
  const all = Promise.all(loops);
  return {
    progress: () => counts.writes + counts.reads,
    async stop() {
      stopping = true;
      await all;
      return counts;
    },
  };
}

/** A line the lead can quote: requests sent, failed, replayed, lost. */
export function summary(name: string, c: LoadCounts, lost: number): string {
  return `[cluster] ${name}: writes sent ${c.writes}, retried ${c.retried}, replayed ${c.replayed}, failed ${c.failedWrites}; reads sent ${c.reads}, failed ${c.failedReads}; acknowledged writes lost ${lost}`;
}
