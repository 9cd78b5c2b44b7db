import { compileRule } from '@pipewright/plugin-sdk';
import type { PluginRecord, PluginServices, RecordChange } from '@pipewright/plugin-sdk';
import gradingRule from '../../rules/customer-grading.rule.json' with { type: 'json' };

const ACCOUNT = 'crm.account';
const GRADE_CHANGE = 'crm.grade_change';

/** The customer grading rule (rules/customer-grading.rule.json), compiled once. */
const RULE = structuredClone(gradingRule) as unknown as { id: string; logic: unknown };
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
