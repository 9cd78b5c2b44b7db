import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from '../harness';
import { expectJson, publish } from './helpers';

const KINDS = ['handoff_marketing_to_sales', 'handoff_presales_to_sales', 'handoff_sales_to_presales', 'handoff_sales_to_success'];

interface Summary { id: string; latestVersion: number | null }
interface Detail { latestVersion: number | null; versions: { version: number; publishedBy: string }[] }

/**
 * `contributes.publishProcesses`: the runtime publishes the shipped processes a plugin lists
 * when they have no published version (a new install, an upgrade from before they were
 * published), once, and never republishes one (an admin's later version stays). The handoff
 * plugin lists its four kinds; its lead process is not listed and stays a draft.
 */
describe.each(backends())('shipped processes published at start on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(() => server?.close());

  const detail = (id: string) => expectJson<Detail>(server.api(`/api/processes/${id}`), 200);

  it('publishes the listed processes at start, by the plugins, and leaves the others as drafts', async () => {
    const { items } = await expectJson<{ items: Summary[] }>(server.api('/api/processes?entity=handoff.handoff'), 200);
    expect(items.filter((p) => p.latestVersion !== null).map((p) => p.id).sort()).toEqual(KINDS);
    for (const id of KINDS) expect((await detail(id)).versions).toEqual([expect.objectContaining({ version: 1, publishedBy: 'system:plugins' })]);
    expect((await detail('lead')).latestVersion).toBeNull();
  });

  it('publishes them on an upgrade that finds them unpublished, once; a later start changes nothing', async () => {
    const db = server.platform.database.db;
    // As before the upgrade: the kinds' drafts exist, nothing published (published versions
    // are immutable by trigger; the test steps around it as a restore of an old backup would).
    await db.transaction().execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx);
      await tx.deleteFrom('process_versions').where('process_id', 'in', KINDS).execute();
      await tx.updateTable('process_definitions').set({ latest_version: null }).where('id', 'in', KINDS).execute();
    });
    expect((await detail('handoff_presales_to_sales')).latestVersion).toBeNull();
    const defs = server.platform.processes.definitions;
    const [a, b] = await Promise.all([defs.syncPluginProcesses(), defs.syncPluginProcesses()]);
    expect([...a, ...b].sort()).toEqual(KINDS);
    for (const id of KINDS) expect((await detail(id)).versions.map((v) => v.version)).toEqual([1]);
    expect(await defs.syncPluginProcesses()).toEqual([]);
  });

  it('keeps an admin\'s later version: a published process is never republished', async () => {
    const id = 'handoff_presales_to_sales';
    const draft = (await expectJson<{ draft: Record<string, unknown>; draftRevision: number }>(server.api(`/api/processes/${id}`), 200));
    await expectJson(server.api(`/api/processes/${id}`, { method: 'PUT', headers: { 'if-match': `"${draft.draftRevision}"` }, json: { ...draft.draft, description: { en: 'Changed by an admin', 'zh-CN': '管理员修改' } } }), 200);
    expect(await publish(server.api, id)).toBe(2);
    expect(await server.platform.processes.definitions.syncPluginProcesses()).toEqual([]);
    expect((await detail(id)).latestVersion).toBe(2);
  });
});
