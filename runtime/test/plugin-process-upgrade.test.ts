import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../src/auth/principal';
import { loadConfig } from '../src/config';
import { dropSchema } from '../src/db/database';
import { createPlatform, type Platform } from '../src/platform';
import { backends } from './harness';

const TICKET = { id: 'ticket', label: 'Ticket', labelPlural: 'Tickets', stageful: true, schema: { type: 'object', required: ['subject'], properties: { subject: { type: 'string' } } } };
const stages = [{ id: 'open', label: 'Open', kind: 'open' }, { id: 'done', label: 'Done', kind: 'won' }];
/** Starting a platform runs migrations on a fresh database: slow on a busy machine. */
const START_TIMEOUT = 240_000;
/** Two processes: `plumbing` the plugin publishes itself, `review` an admin publishes. */
const PLUMBING = { id: 'plumbing', label: 'Plumbing', entity: 'acme_pub.ticket', initialStage: 'open', stages, allowSkip: true };
const REVIEW = { id: 'review', label: 'Review', entity: 'acme_pub.ticket', initialStage: 'open', stages, allowSkip: true };

function writePlugin(dir: string, plumbing: unknown, review: unknown): void {
  mkdirSync(join(dir, 'schemas'), { recursive: true });
  mkdirSync(join(dir, 'processes'), { recursive: true });
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ id: 'acme_pub', name: 'Publishes', version: '0.1.0', apiVersion: 1, contributes: { entities: ['schemas/ticket.schema.json'], processes: ['processes/plumbing.process.json', 'processes/review.process.json'], publishProcesses: ['plumbing'] } }));
  writeFileSync(join(dir, 'schemas/ticket.schema.json'), JSON.stringify(TICKET));
  writeFileSync(join(dir, 'processes/plumbing.process.json'), JSON.stringify(plumbing));
  writeFileSync(join(dir, 'processes/review.process.json'), JSON.stringify(review));
}

/**
 * Issue 17 / ADR 029 addendum: a plugin release that changes a process the plugin publishes
 * itself (`contributes.publishProcesses`) reaches installs that already published it: the new
 * draft is published at start, by the plugins, once across runtimes starting together. A process
 * an admin published, or whose draft an admin edited, is left to the admin.
 */
describe.each(backends())('a plugin release that changes the processes it publishes, on $name', (backend) => {
  const root = mkdtempSync(join(tmpdir(), 'pipewright-upgrade-'));
  const plugin = join(root, 'acme_pub');
  const schema = backend.url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const logs: string[] = [];
  const config = () => loadConfig({ PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_PLUGINS: plugin, ...(backend.url ? { DATABASE_URL: backend.url } : { PIPEWRIGHT_DATA_DIR: join(root, 'data') }) });
  const start = (): Promise<Platform> => createPlatform(config(), { ...(schema ? { schema } : {}), log: (l) => logs.push(l) });
  const admin = systemPrincipal('test-admin');
  const versions = async (p: Platform, id: string) => (await p.processes.definitions.get(id)).versions.map((v) => [v.version, v.publishedBy]);
  afterAll(async () => {
    if (schema && backend.url) await dropSchema(backend.url, schema);
    rmSync(root, { recursive: true, force: true });
  });

  it('publishes the opted-in process on the first start; the admin publishes the other', async () => {
    writePlugin(plugin, PLUMBING, REVIEW);
    const p = await start();
    try {
      expect(await versions(p, 'plumbing')).toEqual([[1, 'system:plugins']]);
      await p.processes.definitions.publish('review', admin);
    } finally {
      await p.close();
    }
  }, START_TIMEOUT);

  it('publishes the new draft of the process the plugin publishes, and leaves the admin\'s to the admin', async () => {
    writePlugin(plugin, { ...PLUMBING, label: 'Plumbing v2' }, { ...REVIEW, label: 'Review v2' });
    logs.length = 0;
    // Two runtimes start together on PostgreSQL; PGlite is one process's database.
    const second = backend.url ? start() : null;
    const p = await start();
    const q = await second;
    try {
      const changes = [...p.pluginChanges.processes, ...(q?.pluginChanges.processes ?? [])];
      expect(changes.filter((c) => c.id === 'plumbing')).toEqual([{ id: 'plumbing', plugin: 'acme_pub', outcome: 'new-draft', draftRevision: 2, publishedVersion: 2 }]);
      expect(changes.filter((c) => c.id === 'review')).toEqual([{ id: 'review', plugin: 'acme_pub', outcome: 'new-draft', draftRevision: 2 }]);
      expect(await versions(p, 'plumbing')).toEqual([[1, 'system:plugins'], [2, 'system:plugins']]);
      expect((await p.processes.definitions.definition('plumbing', 2)).label).toBe('Plumbing v2');
      expect(await versions(p, 'review')).toEqual([[1, 'system:test-admin']]);
      expect((await p.processes.definitions.get('review')).draft.label).toBe('Review v2');
      expect(logs.some((l) => l.includes('"plumbing"') && l.includes('published as version 2'))).toBe(true);
      expect(logs.some((l) => l.includes('"review"') && l.includes("awaits an admin's publish"))).toBe(true);
      // an admin now edits the plumbing draft: it is theirs from here on
      const def = await p.processes.definitions.get('plumbing');
      await p.processes.definitions.saveDraft('plumbing', { ...def.draft, label: 'Our plumbing' }, def.draftRevision, admin);
    } finally {
      await p.close();
      await q?.close();
    }
  }, START_TIMEOUT);

  it("keeps an admin's draft over the next release, publishes nothing, and offers the plugin's version", async () => {
    writePlugin(plugin, { ...PLUMBING, label: 'Plumbing v3' }, { ...REVIEW, label: 'Review v2' });
    const p = await start();
    try {
      expect(p.pluginChanges.processes).toEqual([{ id: 'plumbing', plugin: 'acme_pub', outcome: 'conflict' }]);
      expect(await versions(p, 'plumbing')).toEqual([[1, 'system:plugins'], [2, 'system:plugins']]);
      const def = await p.processes.definitions.get('plumbing');
      expect(def.draft.label).toBe('Our plumbing');
      expect(def.shipped).toEqual({ ...PLUMBING, label: 'Plumbing v3' });
    } finally {
      await p.close();
    }
  }, START_TIMEOUT);
});
