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

/** Starting a platform runs migrations on a fresh database: slow on a busy machine. */
const START_TIMEOUT = 240_000;
const NOTE = { id: 'note', label: 'Note', labelPlural: 'Notes', schema: { type: 'object', required: ['subject'], additionalProperties: false, properties: { subject: { type: 'string' } } } };
const TICKET = { id: 'ticket', label: 'Ticket', labelPlural: 'Tickets', stageful: true, schema: { type: 'object', required: ['subject'], properties: { subject: { type: 'string' } } } };
const PROCESS = { id: 'tickets', label: 'Tickets', entity: 'acme_chg.ticket', initialStage: 'open', stages: [{ id: 'open', label: 'Open', kind: 'open' }, { id: 'done', label: 'Done', kind: 'won' }], allowSkip: true };

function writePlugin(dir: string, note: unknown, process: unknown): void {
  mkdirSync(join(dir, 'schemas'), { recursive: true });
  mkdirSync(join(dir, 'processes'), { recursive: true });
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ id: 'acme_chg', name: 'Changes', version: '0.1.0', apiVersion: 1, contributes: { entities: ['schemas/note.schema.json', 'schemas/ticket.schema.json'], processes: ['processes/tickets.process.json'] } }));
  writeFileSync(join(dir, 'schemas/note.schema.json'), JSON.stringify(note));
  writeFileSync(join(dir, 'schemas/ticket.schema.json'), JSON.stringify(TICKET));
  writeFileSync(join(dir, 'processes/tickets.process.json'), JSON.stringify(process));
}

describe.each(backends())('plugin changes noticed at start on $name', (backend) => {
  const root = mkdtempSync(join(tmpdir(), 'pipewright-changes-'));
  const plugin = join(root, 'acme_chg');
  const schema = backend.url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const logs: string[] = [];
  const start = (): Promise<Platform> =>
    createPlatform(loadConfig({ PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_PLUGINS: plugin, ...(backend.url ? { DATABASE_URL: backend.url } : { PIPEWRIGHT_DATA_DIR: join(root, 'data') }) }), { ...(schema ? { schema } : {}), log: (l) => logs.push(l) });
  const admin = systemPrincipal('test-admin');
  afterAll(async () => {
    if (schema && backend.url) await dropSchema(backend.url, schema);
    rmSync(root, { recursive: true, force: true });
  });

  it('records what it sees on the first start, and reports nothing', async () => {
    writePlugin(plugin, NOTE, PROCESS);
    const p = await start();
    try {
      expect(p.pluginChanges).toEqual({ processes: [], entities: [] });
      await p.processes.definitions.publish('tickets', admin);
      await p.store.create('acme_chg.note', { data: { subject: 'first' } }, admin);
      await p.store.create('acme_chg.note', { data: { subject: 'second' } }, admin);
    } finally {
      await p.close();
    }
  }, START_TIMEOUT);

  it('turns a changed process file into a new draft and checks a changed entity against stored records', async () => {
    const note = { ...NOTE, schema: { ...NOTE.schema, required: ['subject', 'priority', 'channel'], properties: { ...NOTE.schema.properties, priority: { enum: ['low', 'normal', 'high'], default: 'normal' }, channel: { type: 'string' } } } };
    writePlugin(plugin, note, { ...PROCESS, stages: [...PROCESS.stages, { id: 'lost', label: 'Lost', kind: 'lost' }] });
    logs.length = 0;
    const p = await start();
    try {
      expect(p.pluginChanges.processes).toEqual([{ id: 'tickets', plugin: 'acme_chg', outcome: 'new-draft', draftRevision: 2 }]);
      const def = await p.processes.definitions.get('tickets');
      expect(def.draft.stages.map((s) => s.id)).toEqual(['open', 'done', 'lost']);
      expect(def.latestVersion).toBe(1);
      expect(def.shipped).toBeUndefined(); // the draft is the plugin's
      expect((await p.processes.definitions.list('acme_chg.ticket'))[0]).toMatchObject({ id: 'tickets', draftRevision: 2, latestVersion: 1 });
      expect(logs.some((l) => l.includes('process "tickets"') && l.includes('draft revision 2'))).toBe(true);

      const [entity] = p.pluginChanges.entities;
      expect(entity?.type).toBe('acme_chg.note');
      expect(entity?.filled).toEqual([{ field: 'priority', records: 2 }]);
      expect(entity?.invalid.map((i) => i.pointer)).toEqual(['/data/channel', '/data/channel']);
      const rows = await p.database.db.selectFrom('records').select(['data', 'version']).where('type', '=', 'acme_chg.note').execute();
      expect(rows.map((r) => [(r.data as { priority?: string }).priority, r.version])).toEqual([['normal', 2], ['normal', 2]]);
      const events = await p.database.db.selectFrom('events').select('action').where('record_type', '=', 'acme_chg.note').execute();
      expect(events.filter((e) => e.action === 'entity.migrate')).toHaveLength(2);
      expect(events.filter((e) => e.action === 'entity.schema-check')).toHaveLength(1);
      expect(logs.some((l) => l.includes('acme_chg.note') && l.includes('2 stored record(s) do not match'))).toBe(true);
      const audit = await p.database.db.selectFrom('events').select('action').where('subject', '=', 'process:tickets').execute();
      expect(audit.map((a) => a.action)).toContain('process.plugin-update');
      // the admin edits the new draft before the plugin changes again
      await p.processes.definitions.saveDraft('tickets', { ...def.draft, label: 'Tickets (edited)' }, 2, admin);
    } finally {
      await p.close();
    }
  }, START_TIMEOUT);

  it('keeps an admin-edited draft when the file changes again, reports the conflict, and is quiet without changes', async () => {
    writePlugin(plugin, { ...NOTE, schema: { ...NOTE.schema, required: ['subject', 'priority', 'channel'], properties: { ...NOTE.schema.properties, priority: { enum: ['low', 'normal', 'high'], default: 'normal' }, channel: { type: 'string' } } } }, { ...PROCESS, label: 'Tickets v3' });
    logs.length = 0;
    let p = await start();
    try {
      expect(p.pluginChanges.processes).toEqual([{ id: 'tickets', plugin: 'acme_chg', outcome: 'conflict' }]);
      expect(p.pluginChanges.entities).toEqual([]);
      const def = await p.processes.definitions.get('tickets');
      expect(def.draft.label).toBe('Tickets (edited)');
      // the plugin's version is offered beside the admin's draft (the designer shows it)
      expect(def.shipped).toEqual({ ...PROCESS, label: 'Tickets v3' });
      expect(logs.some((l) => l.includes('process.plugin-conflict'))).toBe(true);
    } finally {
      await p.close();
    }
    p = await start();
    try {
      expect(p.pluginChanges).toEqual({ processes: [], entities: [] });
      const def = await p.processes.definitions.get('tickets');
      expect(def.shipped?.label).toBe('Tickets v3');
      // the admin saves a draft (here their own again): the offer is answered
      await p.processes.definitions.saveDraft('tickets', def.draft, def.draftRevision, admin);
      expect((await p.processes.definitions.get('tickets')).shipped).toBeUndefined();
    } finally {
      await p.close();
    }
  }, START_TIMEOUT);
});
