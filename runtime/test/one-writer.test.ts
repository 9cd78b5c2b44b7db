import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * ADR 016: `runtime/src/records/writer.ts` is the only source file that writes `records`,
 * `events` or `stage_history`. This scans every source file of the runtime and the plugins
 * (tests and schema migrations aside) with TypeScript's parser, so comments never count and
 * only code does: Kysely's write builders on those tables, and SQL text that writes them.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const WRITER = 'runtime/src/records/writer.ts';
const TABLES = '(?:records|events|stage_history)';
const NAME = `(?:"?public"?\\.)?"?${TABLES}"?`;
/** SQL statements that write a table, precise enough that prose ("update records") does not match. */
const SQL_WRITES = [
  new RegExp(`\\binsert\\s+into\\s+${NAME}\\s*(?:\\(|select\\b|values\\b|default\\b|overriding\\b)`, 'i'),
  new RegExp(`\\bupdate\\s+(?:only\\s+)?${NAME}(?:\\s+(?:as\\s+)?\\w+)?\\s+set\\b`, 'i'),
  new RegExp(`\\bdelete\\s+from\\s+(?:only\\s+)?${NAME}(?![\\w.])`, 'i'),
  new RegExp(`\\bmerge\\s+into\\s+${NAME}(?![\\w.])`, 'i'),
  new RegExp(`\\btruncate\\s+(?:table\\s+)?(?:only\\s+)?${NAME}(?![\\w.])`, 'i'),
  new RegExp(`\\bcopy\\s+${NAME}\\s*(?:\\(|from\\b)`, 'i'),
];
const BUILDERS = new Set(['insertInto', 'updateTable', 'deleteFrom', 'mergeInto', 'replaceInto']);
const TABLE_ARG = new RegExp(`^${TABLES}(?:\\s+as\\s+\\w+)?$`);
/** A template head that ends in a write keyword, followed by `${sql.table('records')}` or `sql.id(...)`. */
const WRITE_BEFORE_NAME = /\b(?:insert\s+into|update(?:\s+only)?|delete\s+from(?:\s+only)?|merge\s+into|truncate(?:\s+table)?|copy)\s*$/i;
const TABLE_REF = new RegExp(`^sql\\.(?:table|id)\\(\\s*['"\`](?:public\\.)?${TABLES}['"\`]`);

/** Where a source text writes one of the tables: `line: what` for each write. */
function writesIn(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => found.push(`${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${what}`);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && BUILDERS.has(node.expression.name.text)) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg) && TABLE_ARG.test(arg.text.trim())) at(node, `${node.expression.name.text}('${arg.text}')`);
    }
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      const sqlText = node.text.replace(/\s+/g, ' ');
      const hit = SQL_WRITES.find((re) => re.test(sqlText));
      if (hit) at(node, `SQL "${hit.exec(sqlText)?.[0]}"`);
    }
    if (ts.isTemplateExpression(node)) {
      let before = node.head.text;
      for (const span of node.templateSpans) {
        if (WRITE_BEFORE_NAME.test(before) && TABLE_REF.test(span.expression.getText(source))) at(span, `SQL "${before.trim().split(/\s+/).slice(-2).join(' ')} ${span.expression.getText(source)}"`);
        before = span.literal.text;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || path.endsWith(join('db', 'migrations'))) continue;
      out.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const scanned = (): string[] => [join(ROOT, 'runtime', 'src'), ...readdirSync(join(ROOT, 'plugins'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(ROOT, 'plugins', d.name))].flatMap(sourceFiles);
const rel = (path: string) => relative(ROOT, path).split(sep).join('/');

describe('one writer of records, events and stage history', () => {
  it('no source file but the writer writes those tables', () => {
    const offenders: string[] = [];
    for (const file of scanned()) {
      const name = rel(file);
      if (name === WRITER) continue;
      for (const w of writesIn(name, readFileSync(file, 'utf8'))) offenders.push(`${name}:${w}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the scan covers the runtime and finds every kind of write the writer makes', () => {
    const files = scanned().map(rel);
    expect(files).toContain(WRITER);
    expect(files).toContain('runtime/src/records/store.ts');
    expect(files.some((f) => f.startsWith('runtime/src/db/migrations/'))).toBe(false);
    const writes = writesIn(WRITER, readFileSync(join(ROOT, WRITER), 'utf8')).join('\n');
    for (const w of ["insertInto('records')", "updateTable('records')", "insertInto('events')", "insertInto('stage_history')", "updateTable('stage_history')", 'SQL "update records set', 'SQL "update stage_history set', 'SQL "insert into stage_history (', 'SQL "insert into events (']) expect(writes).toContain(w);
  });

  it('recognises writes in every form and leaves reads, comments and prose alone', () => {
    const writes = [
      "await db.insertInto('records').values(row).execute();",
      'await tx.updateTable("stage_history").set({ exited_at: now }).execute();',
      "await tx.deleteFrom('events as e').execute();",
      "await tx.mergeInto('records').using('x', 'a', 'b').whenMatched().thenDelete().execute();",
      'await sql`INSERT INTO records (id) VALUES (${id})`.execute(db);',
      "await sql`with u as (update public.records r set version = version + 1 returning id) select * from u`.execute(db);",
      "const q = 'delete from \"stage_history\" where id = $1';",
      'await sql`insert into ${sql.table(\'events\')} (action) values (${a})`.execute(db);',
      'await sql`truncate table events`.execute(db);',
      'const text = `copy records from stdin`;',
    ];
    for (const code of writes) expect(writesIn('x.ts', code), code).toHaveLength(1);
    const harmless = [
      "// await db.insertInto('records').values(row).execute();",
      "/** sql`update records set version = 1` */ const x = 1;",
      "await db.selectFrom('records').selectAll().execute();",
      "await db.insertInto('record_shares').values(share).execute();",
      "await db.updateTable('records_archive').set({ a: 1 }).execute();",
      "await sql`insert into stage_counts (record_type) select record_type from stage_history`.execute(db);",
      "throw new Error('You may not update records you cannot see.');",
      "const help = 'delete from records.data the field';",
      "await sql`select count(*) from events where action = 'update'`.execute(db);",
    ];
    for (const code of harmless) expect(writesIn('x.ts', code), code).toEqual([]);
  });
});
