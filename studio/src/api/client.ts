import { i18n } from '../i18n/setup';
import { authHeaders, notifyUnauthorized } from './auth';
import { ApiError, readProblem } from './problem';
import type { ColumnPage, EntityInfo, RecordEvent, RecordPage, RecordView } from './types';
import type { ApprovalInfo } from '../approvals/api';

/** Options of {@link request}. */
export interface RequestOptions {
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Called with the answer's headers when it succeeds (e.g. a record's `Allow`). */
  onHeaders?: (headers: Headers) => void;
  /** The fetch priority (`low` for what the screen can show without). */
  priority?: RequestPriority;
  /** A POST that only reads (a query with a body): it leaves prefetched answers in place. */
  read?: boolean;
}

/** GETs started ahead of the screen that needs them, by path and language, each taken once. */
const warm = new Map<string, { at: number; answer: Promise<unknown> }>();
/** How long a prefetched answer waits to be taken before it is dropped as stale. */
const WARM_MS = 15_000;
/**
 * GETs the screens sent themselves and not yet answered, for a later {@link prefetch} of the same
 * to join (never to hand to another screen: a screen's request may be aborted with its signal).
 */
const inflight = new Map<string, Promise<unknown>>();
const warmKey = (method: string, path: string, body: unknown) => `${i18n.language || 'en'}\n${method} ${path}${body === undefined ? '' : `\n${JSON.stringify(body)}`}`;

/**
 * Starts a GET now, before the component that needs it has loaded its code (a cold load of the
 * board starts its requests while its chunk downloads, ADR 030 addendum); the first {@link request}
 * of the same path in the same language within 15 s takes the answer (or the failure) instead of
 * asking again. Resolves to the answer, so a prefetch can chain (list, then the chosen version).
 * With `query`, a read that takes a JSON body (`POST /api/metrics/query`) is sent and taken the
 * same way, by path and body. A prefetch of a GET the screen has sent itself and not yet had
 * answered joins it (and leaves nothing for a later request to take). `priority` `low` lets the page's code and its first data go first
 * (a browser opens 6 connections to a host over HTTP/1.1; the rest wait their turn).
 *
 * @example
 * ```ts
 * const { items } = await prefetch<{ items: ProcessSummary[] }>('/api/processes?entity=acme.ticket');
 * ```
 */
export function prefetch<T>(path: string, query?: unknown, priority?: RequestPriority): Promise<T> {
  const key = warmKey(query === undefined ? 'GET' : 'POST', path, query);
  const hit = warm.get(key);
  if (hit && Date.now() - hit.at < WARM_MS) return hit.answer as Promise<T>;
  // the screen asked it already (a prefetch started late): the same answer, not a second request
  const running = inflight.get(key);
  if (running) return running as Promise<T>;
  const answer = send<T>(query === undefined ? 'GET' : 'POST', path, { ...(query !== undefined ? { json: query } : {}), ...(priority ? { priority } : {}) });
  // an unused failure is not an unhandled rejection; the taker still sees it
  answer.catch(() => {});
  warm.set(key, { at: Date.now(), answer });
  return answer;
}

/**
 * Calls the runtime with the session cookie, the CSRF header and the studio's language as
 * `Accept-Language` (problems, move labels and guard messages come back in it); resolves the JSON answer or
 * rejects with an {@link ApiError} holding the problem document. A 401 also tells the app to
 * show the login page.
 *
 * @example
 * ```ts
 * const page = await request<RecordPage>('GET', '/api/records/acme.ticket?limit=20');
 * ```
 */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  if (warm.size > 0) {
    const key = warmKey(method, path, options.json);
    // a prefetched answer has no headers to give
    const hit = !options.headers && !options.onHeaders ? warm.get(key) : undefined;
    if (hit) {
      warm.delete(key);
      if (Date.now() - hit.at < WARM_MS) return hit.answer as Promise<T>;
    }
    // a write makes every answer asked before it stale (a saved view posted, then the list read)
    if (method !== 'GET' && !options.read) warm.clear();
  }
  if (method !== 'GET') return send<T>(method, path, options);
  const key = warmKey(method, path, undefined);
  const answer = send<T>(method, path, options);
  inflight.set(key, answer);
  const done = () => {
    if (inflight.get(key) === answer) inflight.delete(key);
  };
  answer.then(done, done);
  return answer;
}

async function send<T>(method: string, path: string, options: RequestOptions): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', 'accept-language': i18n.language || 'en', ...authHeaders(method), ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'network', detail: err instanceof Error ? err.message : String(err) });
  }
  if (res.status === 401) notifyUnauthorized();
  if (!res.ok) throw new ApiError(await readProblem(res));
  options.onHeaders?.(res.headers);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Parameters of a record listing. */
export interface ListParams {
  q?: string;
  /** `field` or `field][op` keys, e.g. `{ 'amount][gte': '1000' }` -> `filter[amount][gte]=1000`. */
  filters?: { field: string; op: string; value: string }[];
  sort?: string;
  limit?: number;
  cursor?: string | null;
  total?: boolean;
}

/**
 * Builds the query string of a listing.
 *
 * @example
 * ```ts
 * listQuery({ q: 'acme', sort: '-amount', filters: [{ field: 'source', op: 'eq', value: 'inbound' }] });
 * // 'q=acme&sort=-amount&filter%5Bsource%5D%5Beq%5D=inbound'
 * ```
 */
export function listQuery(p: ListParams): string {
  const s = new URLSearchParams();
  if (p.q) s.set('q', p.q);
  if (p.sort) s.set('sort', p.sort);
  if (p.limit) s.set('limit', String(p.limit));
  if (p.cursor) s.set('cursor', p.cursor);
  if (p.total) s.set('total', 'true');
  for (const f of p.filters ?? []) if (f.value !== '') s.append(`filter[${f.field}][${f.op}]`, f.value);
  return s.toString();
}

const enc = encodeURIComponent;

/** The path of a page of records (`api.list`). */
export const listPath = (type: string, p: ListParams): string => `/api/records/${enc(type)}?${listQuery(p)}`;
/**
 * The path of the first page and total of each of `stages` (`api.columns`): the listing's
 * parameters without a stage filter, cursor or total, which the runtime sets per column.
 */
export const columnsPath = (type: string, stages: readonly string[], p: ListParams): string => {
  const rest = listQuery({ ...p, cursor: null, total: false, filters: (p.filters ?? []).filter((f) => f.field !== 'stage') });
  return `/api/records/${enc(type)}/columns?stages=${stages.map(enc).join(',')}${rest ? `&${rest}` : ''}`;
};

/** The path of the last touches of records (`api.touches`). */
export const touchesPath = (type: string, ids: readonly string[]): string => `/api/records/${enc(type)}/touches?ids=${ids.map(enc).join(',')}`;

/**
 * The typed calls the studio makes.
 *
 * @example
 * ```ts
 * const { items } = await api.entities();
 * ```
 */
export const api = {
  entities: (signal?: AbortSignal) => request<{ items: EntityInfo[] }>('GET', '/api/entities', signal ? { signal } : {}),
  list: (type: string, p: ListParams, signal?: AbortSignal) => request<RecordPage>('GET', listPath(type, p), signal ? { signal } : {}),
  /** The first page and total of each stage's records in one request (a board's columns). */
  columns: (type: string, stages: readonly string[], p: ListParams, signal?: AbortSignal) => request<{ columns: ColumnPage[] }>('GET', columnsPath(type, stages, p), signal ? { signal } : {}),
  get: (type: string, id: string, signal?: AbortSignal) => request<RecordView>('GET', `/api/records/${enc(type)}/${enc(id)}`, signal ? { signal } : {}),
  /**
   * A record and whether the reader may change it: the answer's `Allow` lists PATCH and DELETE
   * only for those who may (a handoff's receiver reads it but changes it through its actions).
   */
  getWithAccess: async (type: string, id: string, signal?: AbortSignal): Promise<{ record: RecordView; editable: boolean }> => {
    let editable = true;
    const record = await request<RecordView>('GET', `/api/records/${enc(type)}/${enc(id)}`, { ...(signal ? { signal } : {}), onHeaders: (h) => { const allow = h.get('allow'); if (allow !== null) editable = /\bPATCH\b/.test(allow); } });
    return { record, editable };
  },
  /** The last touch of each of `ids` (up to 200) that something touched (`GET /api/records/:type/touches`). */
  touches: (type: string, ids: readonly string[], signal?: AbortSignal) => request<{ items: { record: string; at: string; by: { type: string; id: string } }[] }>('GET', touchesPath(type, ids), signal ? { signal } : {}),
  events: (type: string, id: string, signal?: AbortSignal) => request<{ items: RecordEvent[] }>('GET', `/api/records/${enc(type)}/${enc(id)}/events`, signal ? { signal } : {}),
  create: (type: string, data: Record<string, unknown>) => request<RecordView>('POST', `/api/records/${enc(type)}`, { json: { data } }),
  /** The record saved, or (202) the request holding the change for its approvers with the record unchanged. */
  update: (type: string, id: string, version: number, patch: Record<string, unknown>) =>
    request<RecordView | { approval: ApprovalInfo; record: RecordView }>('PATCH', `/api/records/${enc(type)}/${enc(id)}`, { json: { data: patch }, headers: { 'if-match': `"${version}"` } }),
  remove: (type: string, id: string, version: number) => request<void>('DELETE', `/api/records/${enc(type)}/${enc(id)}`, { headers: { 'if-match': `"${version}"` } }),
};
