import { validate } from '@readme/openapi-parser';
import { RESERVED_API_SEGMENTS } from '@pipewright/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness';

describe('GET /openapi.json', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ name: 'pglite' });
  });
  afterAll(() => server?.close());

  it('is an OpenAPI 3.1 document that a standard validator accepts', async () => {
    const doc = (await (await server.api('/openapi.json')).json()) as Record<string, unknown>;
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify((result as { errors?: unknown }).errors)?.slice(0, 2000)).toBe(true);
  });

  it('documents every entity of every loaded plugin, with its body schema', async () => {
    const doc = (await (await server.api('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    for (const entity of server.platform.registry.entities.values()) {
      const base = `/api/records/${entity.fullId}`;
      expect(Object.keys(doc.paths[base] ?? {}), base).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(doc.paths[`${base}/{id}`] ?? {}), base).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    }
    expect(Object.keys(doc.components.schemas.PipelineDealData?.properties ?? {})).toEqual(expect.arrayContaining(['name', 'amount', 'account_id', 'close_date']));
    expect(JSON.stringify(doc)).not.toContain('https://pipewright.dev/schemas/types.schema.json');
  });

  it('documents transitions, stage history (and their entity aliases) and imports from their declarations, with their operationIds', async () => {
    type Op = { operationId: string; requestBody?: { content: Record<string, { schema: { required?: string[]; additionalProperties?: boolean; properties?: Record<string, unknown> } }> }; parameters?: { name: string; in: string; required: boolean }[] };
    const doc = (await (await server.api('/openapi.json')).json()) as { paths: Record<string, Record<string, Op>> };
    const ids = (path: string) => Object.fromEntries(Object.entries(doc.paths[path] ?? {}).map(([m, op]) => [m, op.operationId]));
    expect(ids('/api/records/{type}/{id}/transitions')).toEqual({ get: 'listRecordTransitions', post: 'transitionRecord' });
    expect(ids('/api/records/{type}/{id}/history')).toEqual({ get: 'recordStageHistory' });
    expect(ids('/api/deals/{id}/transitions')).toEqual({ get: 'listDealTransitions', post: 'transitionDeal' });
    expect(ids('/api/deals/{id}/history')).toEqual({ get: 'dealStageHistory' });
    expect(ids('/api/imports')).toEqual({ post: 'importCsv' });
    expect(ids('/api/imports/{id}')).toEqual({ get: 'getImport' });
    const move = doc.paths['/api/deals/{id}/transitions']?.post as Op;
    expect(move.requestBody?.content['application/json']?.schema).toMatchObject({ required: ['to'], additionalProperties: false });
    expect(move.parameters?.filter((p) => p.in === 'header').map((p) => [p.name, p.required])).toEqual([['If-Match', true], ['Idempotency-Key', false]]);
    const upload = doc.paths['/api/imports']?.post as Op;
    expect(Object.keys(upload.requestBody?.content ?? {})).toEqual(['application/json', 'multipart/form-data']);
    expect(upload.requestBody?.content['multipart/form-data']?.schema.required).toEqual(['mapping', 'file']);
  });

  it('documents every API route the app serves', async () => {
    const doc = (await (await server.api('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).filter((k) => k !== 'parameters').map((m) => `${m.toUpperCase()} ${path}`)));
    const missing: string[] = [];
    for (const r of server.platform.app.routes) {
      if (r.method === 'ALL' || (!r.path.startsWith('/api/') && r.path !== '/health' && r.path !== '/openapi.json')) continue;
      const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\/$/, '');
      const concrete = path.includes('{type}') ? [...server.platform.registry.entities.keys()].map((t) => path.replace('{type}', t)) : [];
      if (!documented.has(`${r.method} ${path}`) && !(concrete.length > 0 && concrete.every((c) => documented.has(`${r.method} ${c}`)))) missing.push(`${r.method} ${path}`);
    }
    expect(missing).toEqual([]);
  });

  it('reserves every first /api segment the platform serves, so no entity alias can shadow one', async () => {
    const aliases = new Set([...server.platform.registry.entities.values()].flatMap((e) => (e.apiAlias ? [e.apiAlias] : [])));
    const served = new Set(server.platform.app.routes.filter((r) => r.path.startsWith('/api/')).map((r) => r.path.split('/')[2]!).filter((s) => s !== '*' && !aliases.has(s)));
    expect([...served].filter((s) => !RESERVED_API_SEGMENTS.has(s)).sort()).toEqual([]);
  });
});
