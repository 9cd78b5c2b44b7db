import { sql, type Transaction } from 'kysely';
import type { Database } from '../src/db/tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockRules } from '../src/rules/saved-rules';
import { backends, startServer, type TestServer } from './harness';
import { expectJson, guardedDealProcess, type Problem } from './process/helpers';

const rule = (id: string) => ({ id, name: { en: id, 'zh-CN': id }, entity: 'pipeline.deal', logic: { '>=': [{ var: 'amount.amount' }, 10000] } });
const definition = (id: string, ruleId: string) => guardedDealProcess(id, { rule: ruleId });

/** A use of a saved rule that is gone is refused (ADR 032 addendum 2). */
describe.each(backends())('using a deleted saved rule, on $name', (backend) => {
  let server: TestServer;
  const db = () => server.platform.database.db;

  beforeAll(async () => {
    server = await startServer(backend);
  }, 120_000);
  afterAll(() => server?.close());

  it('refuses a use of a rule that is gone with 409 rule.deleted naming it, in English and Chinese', async () => {
    await expect(lockRules(db(), ['never-saved'])).rejects.toMatchObject({ code: 'rule.deleted', status: 409, extensions: { rules: ['never-saved'] }, localizedMessage: { 'zh-CN': expect.stringContaining('"never-saved"') } });
    await expectJson(server.api('/api/rules', { method: 'POST', json: rule('kept') }), 201);
    await expect(lockRules(db(), ['kept', 'kept'])).resolves.toBeUndefined();
  });
});

const url = process.env.TEST_DATABASE_URL;

/**
 * A saved rule deleted while a write that uses it is under way (ADR 032 addendum 2): the delete
 * waits for the write and then sees the use, or the write, finding the rule gone, is refused.
 * Never both: nothing may pin a rule that no longer exists. The interleavings need two
 * connections, so PostgreSQL.
 */
describe.runIf(url)('deleting a saved rule while it is being used, on PostgreSQL', () => {
  let server: TestServer;
  const db = () => server.platform.database.db;

  beforeAll(async () => {
    server = await startServer({ name: 'postgres', url: url! });
  }, 120_000);
  afterAll(() => server?.close());

  /** Waits until some other connection waits on a row lock (PostgreSQL). */
  async function someoneWaitsOnALock(): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`.execute(db());
      if (rows[0]!.n > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('no connection ever waited on the lock');
  }

  /**
   * Runs `hold` in a transaction, then sends `request`, waits until it waits on a lock the
   * transaction holds, and commits: the request's answer, given after the commit.
   */
  async function whileHeld(hold: (tx: Transaction<Database>) => Promise<unknown>, request: () => Promise<Response>): Promise<Response> {
    const tx = await db().startTransaction().execute();
    let answer: Promise<Response>;
    try {
      await hold(tx);
      answer = request();
      await someoneWaitsOnALock();
      await tx.commit().execute();
    } catch (err) {
      await tx.rollback().execute();
      throw err;
    }
    return answer;
  }

  it('a delete waits for a write holding the rule, then refuses with rule.in-use naming the new use', async () => {
    await expectJson(server.api('/api/rules', { method: 'POST', json: rule('held') }), 201);
    const removal = whileHeld(
      async (tx) => {
        await lockRules(tx, ['held']);
        const now = new Date();
        await tx.insertInto('process_definitions').values({ id: 'holder', entity: 'pipeline.deal', draft: JSON.stringify(definition('holder', 'held')), draft_revision: 1, latest_version: null, source: 'api', position: 99, created_at: now, updated_at: now, updated_by: 'test' }).execute();
      },
      () => server.api('/api/rules/held', { method: 'DELETE' }),
    );
    const refused = await expectJson<Problem & { usedBy: { kind: string; process?: string; draft?: boolean }[] }>(removal, 409);
    expect([refused.code, refused.usedBy]).toEqual(['rule.in-use', [expect.objectContaining({ kind: 'process', process: 'holder', draft: true })]]);
    expect((await server.api('/api/rules/held')).status).toBe(200);
  });

  it('a publish that read the rule before a delete committed is refused, not pinned to a deleted rule', async () => {
    await expectJson(server.api('/api/rules', { method: 'POST', json: rule('doomed') }), 201);
    await expectJson(server.api('/api/processes', { method: 'POST', json: definition('racer', 'doomed') }), 201);
    // A delete under way: the rule's row is deleted but not yet committed (the library's own
    // delete refuses while the draft uses it, so the interleaving is made by hand).
    const publish = whileHeld(
      (tx) => tx.deleteFrom('saved_rules').where('id', '=', 'doomed').execute(),
      () => server.api('/api/processes/racer/publish', { method: 'POST' }),
    );
    const refused = await expectJson<Problem & { rules: string[] }>(publish, 409);
    expect([refused.code, refused.rules]).toEqual(['rule.deleted', ['doomed']]);
    expect(await db().selectFrom('process_versions').select('version').where('process_id', '=', 'racer').execute()).toEqual([]);
  });

  it('a saved rule referencing one being deleted is refused the same way', async () => {
    await expectJson(server.api('/api/rules', { method: 'POST', json: rule('base') }), 201);
    const create = whileHeld(
      (tx) => tx.deleteFrom('saved_rules').where('id', '=', 'base').execute(),
      () => server.api('/api/rules', { method: 'POST', json: { ...rule('derived'), logic: { and: [{ rule: 'base' }, true] } } }),
    );
    expect((await expectJson<Problem>(create, 409)).code).toBe('rule.deleted');
    expect((await server.api('/api/rules/derived')).status).toBe(404);
  });
});
