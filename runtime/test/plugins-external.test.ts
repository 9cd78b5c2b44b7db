import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from './harness';

const ACME = fileURLToPath(new URL('./fixtures/acme-plugins', import.meta.url));

describe.each(backends())('a company plugin from PIPEWRIGHT_PLUGINS on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_PLUGINS: ACME });
  });
  afterAll(() => server?.close());

  it('loads after its dependency and reports it in /health', async () => {
    const health = (await (await server.api('/health')).json()) as { plugins: { id: string; entities: string[] }[] };
    const ids = health.plugins.map((p) => p.id);
    expect(ids).toContain('acme_territory');
    expect(ids.indexOf('acme_territory')).toBeGreaterThan(ids.indexOf('crm'));
    expect(health.plugins.find((p) => p.id === 'acme_territory')?.entities).toEqual(['acme_territory.territory']);
    expect(server.platform.registry.actionType('acme_territory.assign').handler).toBeTypeOf('function');
  });

  it('serves its entity through the records API with its schema and references enforced', async () => {
    const acc = await server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Kan-code', status: 'active' } } });
    const accountId = ((await acc.json()) as { id: string }).id;
    const ok = await server.api('/api/records/acme_territory.territory', { method: 'POST', json: { data: { name: 'Nordics', region: 'north', key_account_id: accountId, quota: { amount: 2e6, currency: 'EUR' } } } });
    expect(ok.status).toBe(201);
    const bad = await server.api('/api/records/acme_territory.territory', { method: 'POST', json: { data: { name: 'Atlantis', region: 'underwater' } } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/data/region');
    const list = (await (await server.api('/api/records/acme_territory.territory?filter[region]=north')).json()) as { items: { data: { name: string } }[] };
    expect(list.items.map((t) => t.data.name)).toEqual(['Nordics']);
    const openapi = (await (await server.api('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain('/api/records/acme_territory.territory');
  });
});

describe('a broken company plugin', () => {
  it('stops startup with an error naming the plugin and file', async () => {
    const broken = fileURLToPath(new URL('./fixtures/broken-plugin', import.meta.url));
    const err = await startServer({ name: 'pglite' }, { PIPEWRIGHT_PLUGINS: broken }).then(
      () => null,
      (e: unknown) => e as Error & { plugin?: string; file?: string; pointer?: string },
    );
    expect(err?.message).toContain('broken_thing');
    expect(err?.plugin).toBe('broken_thing');
    expect(err?.pointer).toBe('/dependsOn/crm');
  });
});
