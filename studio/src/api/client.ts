import { i18n } from '../i18n/setup';
import { authHeaders, notifyUnauthorized } from './auth';
import { ApiError, readProblem } from './problem';
import type { EntityInfo, RecordEvent, RecordPage, RecordView } from './types';
import type { ApprovalInfo } from '../approvals/api';

/** Options of {@link request}. */
export interface RequestOptions {
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Called with the answer's headers when it succeeds (e.g. a record's `Allow`). */
  onHeaders?: (headers: Headers) => void;
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
  list: (type: string, p: ListParams, signal?: AbortSignal) => request<RecordPage>('GET', `/api/records/${enc(type)}?${listQuery(p)}`, signal ? { signal } : {}),
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
  touches: (type: string, ids: readonly string[], signal?: AbortSignal) => request<{ items: { record: string; at: string; by: { type: string; id: string } }[] }>('GET', `/api/records/${enc(type)}/touches?ids=${ids.map(enc).join(',')}`, signal ? { signal } : {}),
  events: (type: string, id: string, signal?: AbortSignal) => request<{ items: RecordEvent[] }>('GET', `/api/records/${enc(type)}/${enc(id)}/events`, signal ? { signal } : {}),
  create: (type: string, data: Record<string, unknown>) => request<RecordView>('POST', `/api/records/${enc(type)}`, { json: { data } }),
  /** The record saved, or (202) the request holding the change for its approvers with the record unchanged. */
  update: (type: string, id: string, version: number, patch: Record<string, unknown>) =>
    request<RecordView | { approval: ApprovalInfo; record: RecordView }>('PATCH', `/api/records/${enc(type)}/${enc(id)}`, { json: { data: patch }, headers: { 'if-match': `"${version}"` } }),
  remove: (type: string, id: string, version: number) => request<void>('DELETE', `/api/records/${enc(type)}/${enc(id)}`, { headers: { 'if-match': `"${version}"` } }),
};
