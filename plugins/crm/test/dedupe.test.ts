import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { backends, countRows, startServer, type Client, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type Problem, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';

type Dup = Problem & { policy: string; candidates: { id: string; title: string; similarity: number; field: string }[]; hiddenCandidates: number; accepts: string | null };

/**
 * Issue 18, 查重: accounts and contacts are checked by their declared match keys (dedupe.json)
 * at create, update and through the check route, on both backends; the policy decides.
 */
describe.each(backends())('duplicate prevention on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let otherRep: Client;
  const account = (api: Client['api'], data: Record<string, unknown>) => api('/api/records/crm.account', { method: 'POST', json: { data: { status: 'active', ...data } } });
  const contact = (api: Client['api'], data: Record<string, unknown>) => api('/api/records/crm.contact', { method: 'POST', json: { data } });

  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    otherRep = server.as('other-rep');
  });
  afterAll(() => server?.close());

  it('stores the normalised name key and refuses a look-alike with 409 and the candidate', async () => {
    const first = await expectJson<View>(account(server.api, { name: 'Isdom Technologies, Inc.' }), 201);
    expect(first.data.name_key).toBe('isdomtechnologies');
    const before = await countRows(server.platform);
    for (const name of ['ＩＳＤＯＭ Technologies', 'isdom technologies (中国) 有限公司', 'Isdom Tecnologies Ltd', 'ISDOM-TECHNOLOGIES LLC']) {
      const p = await expectJson<Dup>(account(server.api, { name }), 409);
      expect(p.code).toBe('crm.duplicate');
      expect(p.policy).toBe('warn');
      expect(p.accepts).toBe('dedupe_override.confirm');
      expect(p.errors).toEqual([{ pointer: '/data/name', message: expect.any(String), code: 'duplicate' }]);
      expect(p.candidates.map((c) => c.id)).toEqual([first.id]);
      expect(p.candidates[0]?.similarity).toBeGreaterThanOrEqual(0.55);
    }
    expect(await countRows(server.platform)).toEqual(before);
  });

  it('lets a confirmed look-alike through and keeps who confirmed and the candidates in the record (warn)', async () => {
    const first = await expectJson<View>(account(server.api, { name: 'Gogozoom' }), 201);
    await expectJson<Dup>(account(server.api, { name: 'Gogozoom GmbH' }), 409);
    const second = await expectJson<View>(account(server.api, { name: 'Gogozoom GmbH', dedupe_override: { confirm: true } }), 201);
    expect(second.data.dedupe_override).toMatchObject({ confirm: true, candidates: [first.id], by: expect.stringMatching(/^(user|token):/) });
    const events = await expectJson<{ items: { action: string; after: { data: Record<string, unknown> } | null }[] }>(server.api(`/api/records/crm.account/${second.id}/events`), 200);
    expect(JSON.stringify(events)).toContain('"confirm":true');
    // A later edit that does not touch the name is not checked again, and keeps the audit.
    const edited = await expectJson<View>(server.api(`/api/records/crm.account/${second.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { employees: 12 } } }), 200);
    expect(edited.data.dedupe_override).toEqual(second.data.dedupe_override);
  });

  it('checks an update that renames onto a look-alike, and leaves the record as it was', async () => {
    await expectJson<View>(account(server.api, { name: 'Kan-code' }), 201);
    const other = await expectJson<View>(account(server.api, { name: 'Zumgoity' }), 201);
    const p = await expectJson<Dup>(server.api(`/api/records/crm.account/${other.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { name: 'KAN CODE Corp.' } } }), 409);
    expect(p.code).toBe('crm.duplicate');
    const again = await expectJson<View>(server.api(`/api/records/crm.account/${other.id}`), 200);
    expect([again.version, again.data.name]).toEqual([1, 'Zumgoity']);
  });

  it('leaves an exact name to the unique index (409 record.duplicate) and lets different names pass', async () => {
    await expectJson<View>(account(server.api, { name: 'Sonron' }), 201);
    const p = await expectJson<Problem>(account(server.api, { name: 'Sonron' }), 409);
    expect(p.code).toBe('record.duplicate');
    await expectJson<View>(account(server.api, { name: 'Sunnamplex' }), 201);
    await expectJson<View>(account(server.api, { name: 'Ron-tech' }), 201);
  });

  it('matches Chinese names by pinyin and legal forms in Chinese', async () => {
    await expectJson<View>(account(server.api, { name: '阿里巴巴网络技术有限公司' }), 201);
    const p = await expectJson<Dup>(account(server.api, { name: '阿里巴巴网络技术（中国）股份有限公司' }), 409);
    expect(p.candidates[0]?.title).toBe('阿里巴巴网络技术有限公司');
    const zh = await expectJson<Problem>(server.api('/api/records/crm.account', { method: 'POST', headers: { 'accept-language': 'zh-CN' }, json: { data: { name: 'Alibaba Wangluo Jishu', status: 'active' } } }), 409);
    expect(zh.detail).toContain('疑似重复');
  });

  it('tells a rep a look-alike exists that he cannot see, without naming it', async () => {
    await expectJson<View>(account(rep.api, { name: 'Rickety Ventures' }), 201);
    const p = await expectJson<Dup>(account(otherRep.api, { name: 'Rickety Ventures Ltd' }), 409);
    expect(p.candidates).toEqual([]);
    expect(p.hiddenCandidates).toBe(1);
    expect(JSON.stringify(p)).not.toMatch(/Rickety|rick-rep/);
  });

  it('refuses a contact with the same email or the same phone in another spelling', async () => {
    const first = await expectJson<View>(contact(server.api, { first_name: 'Wei', last_name: 'Wang', email: 'Wei.Wang@Example.com', mobile: '138 0013 8000' }), 201);
    expect([first.data.email_key, first.data.phone_key]).toEqual(['wei.wang@example.com', '+8613800138000']);
    const byEmail = await expectJson<Dup>(contact(server.api, { first_name: 'W', last_name: 'Wang', email: ' wei.wang@example.COM ' }), 409);
    expect(byEmail.candidates.map((c) => [c.id, c.field])).toEqual([[first.id, 'email_key']]);
    expect(byEmail.errors?.map((e) => e.pointer)).toEqual(['/data/email']);
    const byPhone = await expectJson<Dup>(contact(server.api, { first_name: 'V', last_name: 'W', phone: '+86 138-0013-8000' }), 409);
    expect(byPhone.candidates.map((c) => c.field)).toEqual(['phone_key']);
    await expectJson<View>(contact(server.api, { first_name: 'Wei', last_name: 'Wang', email: 'other.wei@example.com', mobile: '139 0013 8000' }), 201);
  });

  it('answers the candidates without writing through the check route', async () => {
    const before = await countRows(server.platform);
    const r = await expectJson<{ policy: string; keys: Record<string, string>; candidates: { title: string }[] }>(server.api('/api/plugins/crm/duplicates/check', { method: 'POST', json: { type: 'crm.account', data: { name: 'The Isdom Technologies Co., Ltd.' } } }), 200);
    expect(r.keys).toEqual({ name_key: 'isdomtechnologies' });
    expect(r.candidates.map((c) => c.title)).toContain('Isdom Technologies, Inc.');
    expect(await countRows(server.platform)).toEqual(before);
    const bad = await expectJson<Problem>(server.api('/api/plugins/crm/duplicates/check', { method: 'POST', json: { type: 'crm.nothing', data: {} } }), 422);
    expect(bad.errors?.[0]?.pointer).toBe('/type');
  });

  it('records.similar refuses a field without a trigram index and bad options (422 naming them)', async () => {
    const s = server.platform.plugins.services('crm', systemPrincipal('test'));
    await expect(s.records.similar('crm.account', 'name', 'x')).rejects.toMatchObject({ status: 422, details: [{ pointer: '/field' }] });
    await expect(s.records.similar('crm.account', 'name_key', 'x', { threshold: 0 })).rejects.toMatchObject({ status: 422, details: [{ pointer: '/threshold' }] });
    await expect(s.records.similar('crm.account', 'name_key', 'x', { limit: 101 })).rejects.toMatchObject({ status: 422, details: [{ pointer: '/limit' }] });
    const hits = await s.records.similar('crm.account', 'name_key', 'gogozom', { threshold: 0.4 });
    expect(hits.map((h) => h.data.name)).toEqual(expect.arrayContaining(['Gogozoom', 'Gogozoom GmbH']));
    expect(hits.every((h, i) => i === 0 || (hits[i - 1] as { similarity: number }).similarity >= h.similarity)).toBe(true);
  });

  it('uses a trigram index for the check (the plan names it)', async () => {
    const { sql } = await import('kysely');
    const db = server.platform.database.db;
    const schema = (await sql<{ s: string }>`select n.nspname as s from pg_extension e join pg_namespace n on n.oid = e.extnamespace where extname = 'pg_trgm'`.execute(db)).rows[0]?.s;
    expect(schema).toBe('public');
    // Only this test's own schema: pg_indexes would describe every schema's indexes, and another
    // test dropping its schema meanwhile makes that fail ("could not open relation with OID").
    // The select list is evaluated only for the rows the WHERE keeps.
    const { rows } = await sql<{ indexdef: string }>`select pg_get_indexdef(i.indexrelid) as indexdef from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema()`.execute(db);
    expect(rows.filter((r) => r.indexdef.includes('gin_trgm_ops') && r.indexdef.includes('name_key')).length).toBeGreaterThan(0);
  });

  it('keeps the trigram index without a pending list, and turns it off on an index built with one (issue 12)', async () => {
    const { sql } = await import('kysely');
    const { ensureEntityIndexes, entityIndexName } = await import('../../../runtime/src/db/entity-indexes');
    const db = server.platform.database.db;
    const name = entityIndexName('crm.account', { fields: ['name_key'], method: 'trigram' });
    const options = async () => (await sql<{ o: string[] | null }>`select c.reloptions as o from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname = ${name} and n.nspname = current_schema()`.execute(db)).rows[0]?.o ?? null;
    expect(await options()).toEqual(['fastupdate=off']);
    // An index built before (GIN's default, fast update on) with entries waiting in its pending list.
    await sql`alter index ${sql.id(name)} set (fastupdate = on)`.execute(db);
    await expectJson<View>(account(server.api, { name: 'Pendinglist Trading' }), 201);
    expect(await options()).toEqual(['fastupdate=on']);
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s as string;
    await ensureEntityIndexes(db, server.platform.registry, { concurrent: backend.name === 'postgres', schema });
    expect(await options()).toEqual(['fastupdate=off']);
    // What waited in the pending list is in the index: the check still finds it.
    const p = await expectJson<Dup>(account(server.api, { name: 'Pendinglist Tradng' }), 409);
    expect(p.candidates.map((c) => c.title)).toEqual(['Pendinglist Trading']);
  });

  it('sets the similarity threshold for its search only, and puts back what the caller had in its transaction', async () => {
    const { sql } = await import('kysely');
    const setting = async (tx: import('kysely').QueryExecutorProvider) => (await sql<{ v: string | null }>`select current_setting('pg_trgm.similarity_threshold', true) as v`.execute(tx)).rows[0]?.v;
    await expectJson<View>(account(server.api, { name: 'Thresholdia Works' }), 201);
    await server.platform.database.db.transaction().execute(async (tx) => {
      await sql`select set_config('pg_trgm.similarity_threshold', '0.7', true)`.execute(tx);
      const loose = await server.platform.store.similar('crm.account', 'name_key', 'tresholdiaworks', { threshold: 0.4 }, systemPrincipal('test'), tx);
      expect(loose.map((h) => h.view.data.name)).toContain('Thresholdia Works');
      expect(await setting(tx)).toBe('0.7');
      // The caller's setting is the threshold asked for: nothing to set or put back.
      const strict = await server.platform.store.similar('crm.account', 'name_key', 'tresholdiaworks', { threshold: 0.7 }, systemPrincipal('test'), tx);
      expect(strict.every((h) => h.similarity >= 0.7)).toBe(true);
      expect(await setting(tx)).toBe('0.7');
      // Plain index scans, turned off for the search (the trigram index's bitmap scan), are back on for the rest of the transaction.
      expect((await sql<{ v: string }>`select current_setting('enable_indexscan') as v`.execute(tx)).rows[0]?.v).toBe('on');
    });
  });
  void plugin;
});
