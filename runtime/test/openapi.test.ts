import { validate } from '@readme/openapi-parser';
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
});
