import { compileRule } from '@pipewright/plugin-sdk';
import type { PluginRecord, PluginServices, RecordChange } from '@pipewright/plugin-sdk';
import gradingRule from '../../rules/customer-grading.rule.json' with { type: 'json' };

const ACCOUNT = 'crm.account';
const GRADE_CHANGE = 'crm.grade_change';

/** The customer grading rule (rules/customer-grading.rule.json), compiled once. */
const RULE = structuredClone(gradingRule) as unknown as { id: string; logic: unknown };
/** The grading rule's json-logic (what the nightly job hands to SQL). */
export const GRADING_LOGIC: unknown = RULE.logic;
export const GRADING_RULE = `crm.${RULE.id}`;
const grade = compileRule(RULE.logic);

const GRADES = new Set(['A', 'B', 'C', 'D']);

/**
 * The grade the rule gives an account body ('A'..'D'), or null when it answers something else.
 *
 * @example
 * ```ts
 * gradeOf({ annual_revenue: { amount: 3e9, currency: 'USD' }, employees: 5000 }); // 'A'
 * ```
 */
export function gradeOf(data: Record<string, unknown>): string | null {
  const g = grade(data);
  return typeof g === 'string' && GRADES.has(g) ? g : null;
}

const isSystem = (s: PluginServices) => s.caller.id.startsWith('system:');

/**
 * The beforeChange step of grading: a person who sets the grade by hand makes it `hand` (the
 * rule leaves it alone until someone clears grade_source); otherwise the rule grades the body
 * on every write, so a change of revenue or employees regrades at once.
 */
export function gradeBeforeChange(change: RecordChange, s: PluginServices, data: Record<string, unknown>): Record<string, unknown> {
  if (change.operation === 'delete') return data;
  const out = { ...data };
  const before = change.before?.data;
  const handEdit = before !== undefined && out.grade !== before.grade && !isSystem(s);
  if (handEdit || (before === undefined && out.grade !== undefined && out.grade_source === 'hand')) {
    out.grade_source = 'hand';
    return out;
  }
  if (out.grade_source === 'hand') return out;
  const g = gradeOf(out);
  if (g === null) delete out.grade;
  else out.grade = g;
  out.grade_source = 'rule';
  return out;
}

/**
 * The afterChange step: a grade that changed on an existing account is kept as a
 * crm.grade_change record (the grade's history). The grade an account is created with is in
 * its create event, not a change.
 */
export async function gradeAfterChange(change: RecordChange & { after: PluginRecord }, s: PluginServices): Promise<void> {
  if (change.operation !== 'update') return;
  const from = change.before?.data.grade;
  const to = change.after.data.grade;
  if (typeof to !== 'string' || to === from) return;
  await s.records.create(GRADE_CHANGE, {
    data: {
      account_id: change.after.id,
      ...(typeof from === 'string' ? { from_grade: from } : {}),
      to_grade: to,
      source: change.after.data.grade_source === 'hand' ? 'hand' : 'rule',
      rule: GRADING_RULE,
      changed_at: s.clock.now().toISOString(),
    },
    owner: change.after.owner,
    orgUnit: change.after.orgUnit,
  });
}

/**
 * The nightly job (and the one after an import, which writes without hooks): every account
 * whose stored grade or match key is not what the rule and the normaliser give now is written
 * again, so the hooks grade it and store its key. Returns how many were written.
 */
export async function regradeAll(s: PluginServices, needsWrite: (r: PluginRecord) => boolean): Promise<number> {
  let cursor: string | undefined;
  let written = 0;
  do {
    const page = await s.records.list(ACCOUNT, { limit: 200, sort: 'createdAt', ...(cursor ? { cursor } : {}) });
    for (const r of page.items) {
      if (!needsWrite(r)) continue;
      await s.records.update(ACCOUNT, r.id, { data: {} }, { expectedVersion: r.version });
      written++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return written;
}

/** Accounts the rule grades: a hand grade is left alone. */
const RULE_GRADED = { '!=': [{ var: 'grade_source' }, 'hand'] };

/** What one SQL grading run did. */
export interface SqlGradingRun {
  /** Accounts written with a new grade (each gets its crm.grade_change through the hooks). */
  written: number;
  /** Accounts SQL could not decide, graded in JavaScript instead. */
  inJs: number;
  /** The parts of the rule SQL cannot express (empty for the shipped rule). */
  unsupported: { pointer: string; message: string }[];
}

/**
 * The nightly grading, set-based: the grading rule is compiled to SQL by the platform
 * (`records.ruleValues`, core's `toSqlValue`), which returns, a page of 1,000 at a time, only the
 * rule-graded accounts whose stored grade is not the rule's. Each of those is written through the
 * records service (the one writer), so the hooks keep the change as a crm.grade_change record:
 * only changed accounts get a history row, and a second run finds nothing. Accounts reaching a
 * part of the rule SQL cannot express come back undecided; they alone are graded in JavaScript
 * (`evaluate`), and written only when that grade differs.
 */
export async function gradeAllInSql(s: PluginServices, logic: unknown = RULE.logic, evaluate: (data: Record<string, unknown>) => string | null = gradeOf): Promise<SqlGradingRun> {
  const run: SqlGradingRun = { written: 0, inJs: 0, unsupported: [] };
  let after: string | undefined;
  do {
    const page = await s.records.ruleValues(ACCOUNT, logic, { differsFrom: 'grade', where: RULE_GRADED, limit: 1000, ...(after ? { after } : {}) });
    run.unsupported = page.unsupported;
    for (const r of page.items) {
      let to: string | null;
      if (r.decided) to = typeof r.value === 'string' && GRADES.has(r.value) ? r.value : null;
      else {
        run.inJs++;
        to = evaluate(r.data ?? {});
        if ((to ?? undefined) === r.data?.grade) continue;
      }
      const written = await s.records.update(ACCOUNT, r.id, { data: { grade: to } });
      // The hook grades in JavaScript again; a difference would mean SQL and JS disagree.
      if ((written.data.grade ?? null) !== to) s.log.warn('SQL and JavaScript grades differ', { account: r.id, sql: to, js: written.data.grade ?? null });
      run.written++;
    }
    after = page.next ?? undefined;
  } while (after);
  return run;
}
