import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from '../harness';
import { expectJson, publish, type Problem } from './helpers';

/**
 * Issue 11, item 14: secrets in process definitions (webhook URLs with their paths and query
 * strings) are read back by admins only, in every read path; a webhook's `secretEnv` must be
 * PIPEWRIGHT_WEBHOOK_SECRET or PIPEWRIGHT_WEBHOOK_SECRET_<NAME>.
 */
const SECRET_PATH = 'T0001/B0002/xoxb-very-secret-path';
const SECRET_QUERY = 'token=s3cret-query-value';
const URL_WITH_SECRETS = `https://user:pa55word@hooks.example.com/services/${SECRET_PATH}?${SECRET_QUERY}`;

const definition = (id: string, secretEnv: string, url = URL_WITH_SECRETS) => ({
  id,
  label: 'With a webhook',
  entity: 'pipeline.deal',
  initialStage: 'open',
  stages: [
    { id: 'open', label: 'Open', kind: 'open' },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
  ],
  transitions: [{ id: 'win', from: 'open', to: 'won', actions: [{ id: 'tell_erp', type: 'core.webhook', config: { url, secretEnv, event: 'deal.won' } }] }],
});

describe.each(backends())('secrets in process definitions on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    await expectJson(server.api('/api/processes', { method: 'POST', json: definition('with_hook', 'PIPEWRIGHT_WEBHOOK_SECRET_ERP') }), 201);
    await publish(server.api, 'with_hook');
    // The draft moves on to another URL: version 1 and the draft differ.
    const draft = definition('with_hook', 'PIPEWRIGHT_WEBHOOK_SECRET_ERP', `https://hooks.example.com/v2/${SECRET_PATH}?${SECRET_QUERY}`);
    await expectJson(server.api('/api/processes/with_hook', { method: 'PUT', headers: { 'if-match': '"1"' }, json: draft }), 200);
  });
  afterAll(() => server?.close());

  const reads = ['/api/processes/with_hook', '/api/processes/with_hook/versions/1', '/api/processes/with_hook/diff?from=1&to=draft', '/api/processes?entity=pipeline.deal'];

  it('redacts webhook URLs (path, query, credentials) for everyone but admins, in every read path', async () => {
    for (const [who, client] of [['rep', server.as('rep')], ['manager', server.as('manager')], ["admin's read-only token", server.as('admin', 'token', ['read'])]] as const) {
      for (const path of reads) {
        const res = await client.api(path);
        expect(res.status, `${who} ${path}`).toBe(200);
        const text = await res.text();
        for (const secret of [SECRET_PATH, SECRET_QUERY, 'pa55word', 'services/']) expect(text, `${who} ${path}`).not.toContain(secret);
      }
      const one = (await (await client.api('/api/processes/with_hook/versions/1')).json()) as { definition: { transitions: { actions: { config: Record<string, unknown> }[] }[] } };
      expect(one.definition.transitions[0]?.actions[0]?.config).toEqual({ url: 'https://hooks.example.com/[redacted]', secretEnv: 'PIPEWRIGHT_WEBHOOK_SECRET_ERP', event: 'deal.won' });
    }
  });

  it('shows admins the definitions as written', async () => {
    const admin = server.as('admin');
    const v1 = (await (await admin.api('/api/processes/with_hook/versions/1')).json()) as { definition: { transitions: { actions: { config: { url: string } }[] }[] } };
    expect(v1.definition.transitions[0]?.actions[0]?.config.url).toBe(URL_WITH_SECRETS);
    expect(await (await admin.api('/api/processes/with_hook')).text()).toContain(`v2/${SECRET_PATH}?${SECRET_QUERY}`);
    const diff = await (await admin.api('/api/processes/with_hook/diff?from=1&to=draft')).text();
    expect(diff).toContain(SECRET_PATH);
  });

  it('refuses a secretEnv outside PIPEWRIGHT_WEBHOOK_SECRET_*, with its JSON pointer, on save, check and create', async () => {
    for (const env of ['DATABASE_URL', 'PIPEWRIGHT_DEMO_PASSWORD', 'PIPEWRIGHT_WEBHOOK_SECRETX', 'PIPEWRIGHT_WEBHOOK_SECRET_']) {
      const before = await countRows(server.platform);
      const created = await expectJson<Problem>(server.api('/api/processes', { method: 'POST', json: definition(`bad_env_${before.events}`, env) }), 422);
      const found = (created.errors ?? []).map((e) => `${e.pointer} ${e.code}`);
      expect(found, env).toContain('/transitions/0/actions/0/config/secretEnv secret-env-not-allowed');
      expect(JSON.stringify(created)).toMatch(/PIPEWRIGHT_WEBHOOK_SECRET_<NAME>/);
      expect(await countRows(server.platform)).toEqual(before);
      const checked = await expectJson<{ valid: boolean; problems: { pointer: string }[] }>(server.api('/api/processes/with_hook/check', { method: 'POST', json: definition('with_hook', env) }), 200);
      expect(checked.valid).toBe(false);
      expect(checked.problems.map((p) => p.pointer)).toContain('/transitions/0/actions/0/config/secretEnv');
    }
    for (const env of ['PIPEWRIGHT_WEBHOOK_SECRET', 'PIPEWRIGHT_WEBHOOK_SECRET_CRM_2']) {
      expect((await expectJson<{ valid: boolean }>(server.api('/api/processes/with_hook/check', { method: 'POST', json: definition('with_hook', env) }), 200)).valid, env).toBe(true);
    }
  });
});
