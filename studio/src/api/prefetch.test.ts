import { afterEach, describe, expect, it, vi } from 'vitest';
import { prefetch, request } from './client';

function fakeFetch() {
  const calls: { method: string; path: string; body?: string }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (path: string, init: RequestInit) => {
    calls.push({ method: init.method ?? 'GET', path, ...(typeof init.body === 'string' ? { body: init.body } : {}) });
    return new Response(JSON.stringify({ n: calls.length }), { status: 200, headers: { 'content-type': 'application/json' } });
  }));
  return calls;
}

describe('prefetch', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('answers the first request of the same path from the prefetch, once', async () => {
    const calls = fakeFetch();
    const early = prefetch<{ n: number }>('/api/entities');
    expect(await request('GET', '/api/entities')).toEqual({ n: 1 });
    expect(await early).toEqual({ n: 1 });
    // taken: the next request asks the server again
    expect(await request('GET', '/api/entities')).toEqual({ n: 2 });
    expect(calls.map((c) => c.path)).toEqual(['/api/entities', '/api/entities']);
  });

  it('shares one request between prefetches of the same path, and never answers another path', async () => {
    const calls = fakeFetch();
    void prefetch('/api/users');
    void prefetch('/api/users');
    await request('GET', '/api/org-units');
    await request('GET', '/api/users');
    expect(calls.map((c) => c.path)).toEqual(['/api/users', '/api/org-units']);
  });

  it('joins a GET the screen sent itself and has not had answered, and asks again once it has', async () => {
    const calls = fakeFetch();
    const own = request<{ n: number }>('GET', '/api/users/names');
    const late = prefetch<{ n: number }>('/api/users/names');
    expect(await own).toEqual({ n: 1 });
    expect(await late).toEqual({ n: 1 });
    expect(calls).toHaveLength(1);
    // answered: a prefetch now is a new request
    void prefetch('/api/users/names');
    // a request with a signal is joined too, and what the prefetch joined is not left for a later request
    const ctl = new AbortController();
    const signalled = request<{ n: number }>('GET', '/api/org-units', { signal: ctl.signal });
    const joined = prefetch<{ n: number }>('/api/org-units');
    expect(await joined).toEqual(await signalled);
    expect(await request('GET', '/api/org-units')).toEqual({ n: 4 });
    expect(calls.map((c) => c.path)).toEqual(['/api/users/names', '/api/users/names', '/api/org-units', '/api/org-units']);
  });

  it('takes a read with a JSON body only for the same body', async () => {
    const calls = fakeFetch();
    void prefetch('/api/metrics/query', { metrics: ['a'], groupBy: ['stage'] });
    await request('POST', '/api/metrics/query', { json: { metrics: ['a'], groupBy: ['stage', 'team'] }, read: true });
    await request('POST', '/api/metrics/query', { json: { metrics: ['a'], groupBy: ['stage'] }, read: true });
    expect(calls.map((c) => c.body)).toEqual(['{"metrics":["a"],"groupBy":["stage"]}', '{"metrics":["a"],"groupBy":["stage","team"]}']);
  });

  it('forgets every prefetched answer on a write (it may be stale), not on a read with a body', async () => {
    const calls = fakeFetch();
    void prefetch('/api/saved-views?scope=board');
    void prefetch('/api/entities');
    await request('POST', '/api/metrics/query', { json: { metrics: ['a'] }, read: true });
    await request('GET', '/api/entities');
    await request('POST', '/api/saved-views', { json: { scope: 'board', name: 'Mine', params: {} } });
    await request('GET', '/api/saved-views?scope=board');
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/saved-views?scope=board', 'GET /api/entities', 'POST /api/metrics/query', 'POST /api/saved-views', 'GET /api/saved-views?scope=board']);
  });

  it('drops an answer nobody took within 15 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const calls = fakeFetch();
    void prefetch('/api/saved-views?scope=board');
    vi.setSystemTime(Date.now() + 16_000);
    await request('GET', '/api/saved-views?scope=board');
    expect(calls).toHaveLength(2);
  });
});
