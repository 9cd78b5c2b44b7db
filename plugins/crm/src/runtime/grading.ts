import { compileRule, PipewrightError } from '@pipewright/plugin-sdk';
import type { HookProblem, HookServices, PluginRecord, PluginServices, RecordChange } from '@pipewright/plugin-sdk';
import gradingRule from '../../rules/customer-grading.rule.json' with { type: 'json' };

const ACCOUNT = 'crm.account';
const GRADE_CHANGE = 'crm.grade_change';
/** Grading rules kept as data (ADR 032 addendum): the active one grades instead of the file rule. */
export const GRADING_RULES = 'crm.grading_rule';

/** The customer grading rule (rules/customer-grading.rule.json), compiled once. */
const RULE = structuredClone(gradingRule) as unknown as { id: string; logic: unknown };
/** The grading rule's json-logic (what the nightly job hands to SQL). */
export const GRADING_LOGIC: unknown = RULE.logic;
export const GRADING_RULE = `crm.${RULE.id}`;
const grade = compileRule(RULE.logic);

const GRADES = new Set(['A', 'B', 'C', 'D']);
const asGrade = (g: unknown): string | null => (typeof g === 'string' && GRADES.has(g) ? g : null);

/**
 * The grade the rule gives an account body ('A'..'D'), or null when it answers something else.
 *
 * @example
 * ```ts
 * gradeOf({ annual_revenue: { amount: 3e9, currency: 'USD' }, employees: 5000 }); // 'A'
 * ```
 */
export function gradeOf(data: Record<string, unknown>): string | null {
  return asGrade(grade(data));
}

/** The grading in force: its json-logic (references resolved), its name for the history, and the grade it gives. */
export interface Grading {
  logic: unknown;
  rule: string;
  gradeOf(data: Record<string, unknown>): string | null;
}

const FILE_GRADING: Grading = { logic: RULE.logic, rule: GRADING_RULE, gradeOf };

/** Compiled grading rules by their resolved json-logic (a pure function of its key: safe to keep). */
const compiled = new Map<string, (data: unknown) => unknown>();
function compiledOf(logic: unknown): (data: unknown) => unknown {
  const key = JSON.stringify(logic);
  let fn = compiled.get(key);
  if (!fn) {
    if (compiled.size >= 32) compiled.clear();
    fn = compileRule(logic);
    compiled.set(key, fn);
  }
  return fn;
}

const pinsOf = (data: Record<string, unknown>): Record<string, number> | undefined => (typeof data.rule_versions === 'object' && data.rule_versions !== null ? (data.rule_versions as Record<string, number>) : undefined);

/**
 * The grading in force: the active `crm.grading_rule` record, its saved-rule references resolved
 * at the versions it pinned when it was saved (through the platform's rule library), or the
 * plugin's file rule when no grading rule is active.
 *
 * @example
 * ```ts
 * (await activeGrading(services)).gradeOf(account.data); // 'B'
 * ```
 */
export async function activeGrading(s: PluginServices | HookServices): Promise<Grading> {
  // In a hook, read as the plugin: whoever writes an account is graded, whatever he may read.
  const reader = 'system' in s ? s.system : s;
  const active = (await reader.records.list(GRADING_RULES, { filter: { active: true }, limit: 1 })).items[0];
  if (!active) return FILE_GRADING;
  const pins = pinsOf(active.data);
  const { logic } = await reader.rules.resolve(active.data.logic, pins ? { pinned: pins } : {});
  const fn = compiledOf(logic);
  return { logic, rule: `${GRADING_RULES}:${active.id}`, gradeOf: (data) => asGrade(fn(data)) };
}

const isSystem = (s: PluginServices) => s.caller.id.startsWith('system:');

/**
 * The beforeChange step of grading: a person who sets the grade by hand makes it `hand` (the
 * rule leaves it alone until someone clears grade_source); otherwise the rule grades the body
 * on every write, so a change of revenue or employees regrades at once.
 */
export async function gradeBeforeChange(change: RecordChange, s: PluginServices, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (change.operation === 'delete') return data;
  const out = { ...data };
  const before = change.before?.data;
  const handEdit = before !== undefined && out.grade !== before.grade && !isSystem(s);
  if (handEdit || (before === undefined && out.grade !== undefined && out.grade_source === 'hand')) {
    out.grade_source = 'hand';
    return out;
  }
  if (out.grade_source === 'hand') return out;
  const g = (await activeGrading(s)).gradeOf(out);
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
      rule: change.after.data.grade_source === 'hand' ? GRADING_RULE : (await activeGrading(s)).rule,
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
 * The nightly grading, set-based: the grading rule in force ({@link activeGrading}, unless
 * `given`) is compiled to SQL by the platform
 * (`records.ruleValues`, core's `toSqlValue`), which returns, a page of 1,000 at a time, only the
 * rule-graded accounts whose stored grade is not the rule's. Each of those is written through the
 * records service (the one writer), so the hooks keep the change as a crm.grade_change record:
 * only changed accounts get a history row, and a second run finds nothing. Accounts reaching a
 * part of the rule SQL cannot express come back undecided; they alone are graded in JavaScript
 * (`evaluate`), and written only when that grade differs.
 */
export async function gradeAllInSql(s: PluginServices, given?: { logic: unknown; evaluate: (data: Record<string, unknown>) => string | null }): Promise<SqlGradingRun> {
  const active = given ? undefined : await activeGrading(s);
  const logic = given?.logic ?? active?.logic;
  const evaluate = given?.evaluate ?? active?.gradeOf ?? gradeOf;
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

const isAdmin = (s: PluginServices) => isSystem(s) || s.caller.roles.includes('admin');

/**
 * beforeChange of `crm.grading_rule`: saving pins the versions of the saved rules the rule reaches
 * now (`rule_versions`), as publishing a process pins its guards' (ADR 032 addendum). A reference
 * that does not resolve pins nothing; validate refuses it.
 */
export async function gradingRuleBefore(change: RecordChange, s: PluginServices): Promise<Record<string, unknown> | void> {
  if (change.operation === 'delete') return;
  const { rule_versions: _old, ...data } = change.data;
  let versions: Record<string, number> = {};
  try {
    versions = (await s.rules.resolve(data.logic)).versions;
  } catch (err) {
    if (!(err instanceof PipewrightError)) throw err;
  }
  return Object.keys(versions).length > 0 ? { ...data, rule_versions: versions } : data;
}

/** validate of `crm.grading_rule`: admins only; a rule that resolves and compiles; at most one active. */
export async function gradingRuleValidate(change: RecordChange, s: PluginServices): Promise<HookProblem[]> {
  if (!isAdmin(s)) throw new PipewrightError({ code: 'crm.grading-admin-only', status: 403, kind: 'user', message: 'Only an admin may change a grading rule.', localizedMessage: { en: 'Only an admin may change a grading rule.', 'zh-CN': '只有管理员可以修改分级规则。' } });
  if (change.operation === 'delete') return [];
  const problems: HookProblem[] = [];
  try {
    compileRule((await s.rules.resolve(change.data.logic, { pointer: '/data/logic' })).logic);
  } catch (err) {
    if (!(err instanceof PipewrightError)) throw err;
    const details = err.details.length > 0 ? err.details : [{ pointer: err.pointer ?? '', message: err.message }];
    for (const d of details) problems.push({ pointer: d.pointer.startsWith('/data/logic') ? d.pointer : `/data/logic${d.pointer}`, message: d.message, code: 'crm.grading-rule' });
  }
  if (change.data.active === true) {
    const others = (await s.records.list(GRADING_RULES, { filter: { active: true }, limit: 2 })).items.filter((r) => r.id !== change.before?.id);
    if (others[0]) problems.push({ pointer: '/data/active', message: `grading rule "${String(others[0].data.name)}" is active; deactivate it first (one grading rule grades accounts)`, code: 'crm.grading-active' });
  }
  return problems;
}

/** afterChange of `crm.grading_rule`: a change of the grading in force regrades every account (the nightly job, now). */
export async function gradingRuleAfter(change: RecordChange & { after: PluginRecord }, s: PluginServices): Promise<void> {
  if (change.after.data.active === true || change.before?.data.active === true) await s.jobs.enqueue('maintain_accounts', {});
}
