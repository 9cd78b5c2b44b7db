import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { backends, startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type View } from '../../../runtime/test/process/helpers';

/**
 * ADR 007, addendum 5: the reads an account write makes in crm's hooks (the duplicate check's
 * trigram search, the active grading rule) are prepared statements with the type in their text,
 * so PostgreSQL plans them once per connection. Their answers are those of the unprepared reads.
 */
describe.each(backends())('prepared hook reads on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(() => server?.close());

  it('answers the duplicate search and a plugin list as before, prepared on PostgreSQL', async () => {
    const made = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Prepwright Analytics', status: 'active' } } }), 201);
    await expectJson<View>(server.api('/api/records/crm.grading_rule', { method: 'POST', json: { data: { name: 'Prepared rule', active: false, logic: { if: [true, 'B', 'C'] } } } }), 201);
    const { store, plugins } = server.platform;
    const sys = systemPrincipal('plugin:crm');
    await server.platform.database.db.transaction().execute(async (tx) => {
      const hits = await store.similar('crm.account', 'name_key', 'prepwrightanalytic', { includeHidden: true, limit: 5 }, sys, tx);
      const plain = await store.similar('crm.account', 'name_key', 'prepwrightanalytic', { limit: 5 }, sys, tx);
      expect(hits.map((h) => [h.view.id, h.similarity])).toEqual(plain.map((h) => [h.view.id, h.similarity]));
      expect(hits.map((h) => h.view.id)).toEqual([made.id]);
      const services = plugins.services('crm', sys, tx);
      const inactive = await services.records.list('crm.grading_rule', { filter: { active: false }, limit: 5 });
      const active = await services.records.list('crm.grading_rule', { filter: { active: true }, limit: 5 });
      expect(inactive.items.map((r) => r.data.name)).toEqual(['Prepared rule']);
      expect(active.items).toEqual([]);
      // The settings are put back (in the search statement itself at the default threshold), found or not, to what the caller had.
      const setting = async () => (await sql<{ v: string }>`select current_setting('enable_indexscan') as v`.execute(tx)).rows[0]?.v;
      expect(await store.similar('crm.account', 'name_key', 'zzqqxxvvwwkk', { includeHidden: true, limit: 5 }, sys, tx)).toEqual([]);
      expect(await setting()).toBe('on');
      await sql`set local enable_indexscan = off`.execute(tx);
      expect((await store.similar('crm.account', 'name_key', 'prepwrightanalytic', { includeHidden: true, limit: 5 }, sys, tx)).map((h) => h.view.id)).toEqual([made.id]);
      expect(await setting()).toBe('off');
      await sql`set local enable_indexscan = on`.execute(tx);
      expect((await store.similar('crm.account', 'name_key', 'prepwrightanalytic', { includeHidden: true, limit: 5, threshold: 0.4 }, sys, tx)).map((h) => h.view.id)).toEqual([made.id]);
      expect(await setting()).toBe('on');
      expect((await sql<{ v: string }>`select current_setting('pg_trgm.similarity_threshold') as v`.execute(tx)).rows[0]?.v).toBe('0.3');
      if (backend.name === 'postgres') {
        const prepared = (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(tx)).rows.map((r) => r.statement);
        expect(prepared.some((s) => s.includes("records.type = 'crm.account'") && s.includes('similarity'))).toBe(true);
        expect(prepared.some((s) => s.includes("records.type = 'crm.grading_rule'"))).toBe(true);
        // The search's settings are put back for the rest of the transaction.
        expect((await sql<{ v: string }>`select current_setting('enable_indexscan') as v`.execute(tx)).rows[0]?.v).toBe('on');
      }
    });
  });
});
