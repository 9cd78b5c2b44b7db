import { NotFoundError, PipewrightError, ValidationError, type PluginRecord, type PluginRoute, type PluginServices, type PluginUser, type RecordChange } from '@pipewright/plugin-sdk';
import { localDate, periodOf, validTimeZone, type PeriodRule, type PeriodWindow } from './periods';

const TEMPLATE = 'crm.report_template';
const REPORT = 'crm.report';
const ACTIVITY = 'crm.activity';
const DEAL = 'pipeline.deal';

export type Figure = 'visits' | 'calls' | 'stage_moves';
export const FIGURES: readonly Figure[] = ['visits', 'calls', 'stage_moves'];

interface Question {
  key: string;
  label: string;
  label_zh?: string;
  required?: boolean;
}

const rule = (t: PluginRecord): PeriodRule => ({ period: t.data.period === 'weekly' ? 'weekly' : 'daily', deadline_time: String(t.data.deadline_time ?? '18:00'), deadline_weekday: Number(t.data.deadline_weekday ?? 5), time_zone: String(t.data.time_zone ?? 'Asia/Shanghai') });
const questionsOf = (t: PluginRecord): Question[] => (Array.isArray(t.data.questions) ? (t.data.questions as Question[]) : []);
const figuresOf = (t: PluginRecord): Figure[] => (Array.isArray(t.data.figures) ? (t.data.figures as Figure[]) : [...FIGURES]);
const isManager = (s: PluginServices) => s.caller.roles.includes('admin') || s.caller.roles.includes('manager') || s.caller.id.startsWith('system:');

async function all(s: PluginServices, type: string, filter: Record<string, string | number | boolean>, sort = '-createdAt', stop?: (r: PluginRecord) => boolean): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.records.list(type, { filter, sort, limit: 500, ...(cursor ? { cursor } : {}) });
    for (const r of page.items) {
      if (stop?.(r)) return out;
      out.push(r);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * The figures of `user` in a period, from the records the metrics `crm.visits` and `crm.calls`
 * count (done activities of the kind, by `occurred_at`) and the stage history (moves of his deals
 * into another stage), on the template's local days.
 */
export async function figuresFor(s: PluginServices, user: string, window: PeriodWindow, wanted: readonly Figure[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const inWindow = (iso: unknown) => {
    const t = Date.parse(String(iso ?? ''));
    return t >= window.from.getTime() && t < window.to.getTime();
  };
  for (const kind of ['visit', 'call'] as const) {
    const figure = kind === 'visit' ? 'visits' : 'calls';
    if (!wanted.includes(figure)) continue;
    const rows = await all(s, ACTIVITY, { owner: user, kind, done: true }, '-occurred_at', (r) => Date.parse(String(r.data.occurred_at ?? '')) < window.from.getTime());
    out[figure] = rows.filter((r) => inWindow(r.data.occurred_at)).length;
  }
  if (wanted.includes('stage_moves')) {
    let deals: PluginRecord[] = [];
    try {
      deals = await all(s, DEAL, { owner: user });
    } catch (err) {
      if ((err as { code?: string }).code !== 'not-found') throw err; // no pipeline plugin
    }
    const stays = deals.length ? await s.history.stays(DEAL, { recordIds: deals.map((d) => d.id) }) : [];
    out.stage_moves = stays.filter((st) => st.fromStage !== null && inWindow(st.enteredAt)).length;
  }
  return out;
}

/** The template for the caller: the one named, else the one of the nearest unit above him. */
async function templateFor(s: PluginServices, id: string | undefined): Promise<PluginRecord> {
  if (id) {
    const t = await s.records.get(TEMPLATE, id);
    if (!t) throw new NotFoundError('There is no report template with this id.', { pointer: '/template_id' });
    return t;
  }
  const units = await s.directory.orgUnits();
  const path = units.find((u) => u.id === s.caller.orgUnitId)?.path ?? [];
  const templates = await all(s, TEMPLATE, {});
  const best = templates.filter((t) => path.includes(String(t.data.team_id))).sort((a, b) => path.indexOf(String(b.data.team_id)) - path.indexOf(String(a.data.team_id)))[0];
  if (!best) throw new NotFoundError('No report template applies to your team; ask your manager to create one.');
  return best;
}

function dayParam(s: PluginServices, t: PluginRecord, day: string | undefined): string {
  const today = localDate(s.clock.now(), rule(t).time_zone);
  if (!day) return today;
  if (day > today) throw new ValidationError({ code: 'query.invalid', status: 400, message: 'The day is in the future.', details: [{ pointer: '', parameter: 'date', message: 'must not be after today', code: 'invalid-parameter' }] });
  return day;
}

const periodView = (w: PeriodWindow) => ({ start: w.start, end: w.end, deadline: w.deadline.toISOString() });
const templateView = (t: PluginRecord) => ({ id: t.id, name: String(t.data.name), period: rule(t).period, questions: questionsOf(t), figures: figuresOf(t), timeZone: rule(t).time_zone });
const reportView = (r: PluginRecord | null) =>
  r ? { id: r.id, owner: r.owner, answers: (r.data.answers ?? {}) as Record<string, string>, figures: (r.data.figures ?? {}) as Record<string, number>, submittedAt: String(r.data.submitted_at ?? ''), late: r.data.late === true, comments: (r.data.comments ?? []) as unknown[] } : null;

async function ownReport(s: PluginServices, t: PluginRecord, start: string): Promise<PluginRecord | null> {
  if (!s.caller.userId) return null;
  return (await s.records.list(REPORT, { filter: { template_id: t.id, period_start: start, owner: s.caller.userId }, limit: 1 })).items[0] ?? null;
}

/**
 * The parts of a report only the plugin's routes compute: the figures, when and whether late it
 * was submitted, the comments, the template and period. A write through the records API that
 * changes them is refused (`reportBefore`); the routes announce the values they are about to
 * write, for the duration of the write, in this process.
 */
const COMPUTED = ['template_id', 'period_start', 'figures', 'submitted_at', 'late', 'comments'] as const;
const computedPart = (data: Record<string, unknown>) => JSON.stringify(COMPUTED.map((k) => data[k] ?? null));
const sanctioned = new Map<string, number>();
async function sanction<T>(data: Record<string, unknown>, write: () => Promise<T>): Promise<T> {
  const key = computedPart(data);
  sanctioned.set(key, (sanctioned.get(key) ?? 0) + 1);
  try {
    return await write();
  } finally {
    const n = (sanctioned.get(key) ?? 1) - 1;
    if (n > 0) sanctioned.set(key, n);
    else sanctioned.delete(key);
  }
}

/** Reports: figures, times, comments, template and period are written by the report routes only. */
export function reportBefore(change: RecordChange, s: PluginServices): void {
  if (s.caller.id.startsWith('system:') || change.operation === 'delete') return;
  const part = computedPart(change.data);
  if (change.before && computedPart(change.before.data) === part) return;
  if (sanctioned.has(part)) return;
  throw new PipewrightError({ code: 'crm.report-computed', status: 403, kind: 'user', message: 'A report\'s figures, submission time, template, period and comments are set by the report routes: submit with POST /api/plugins/crm/reports/submit, comment with POST /api/plugins/crm/reports/{id}/comments.' });
}

const OBJ = { type: 'object' };
const DATE = { type: 'string', format: 'date' };

const current: PluginRoute = {
  method: 'get',
  path: '/reports/current',
  summary: 'The caller\'s report (日报/周报) for a day\'s period: the template, the deadline, the figures so far and what he submitted',
  query: { template: { type: 'string', format: 'uuid' }, date: DATE },
  response: { type: 'object', required: ['template', 'period', 'figures', 'report'], properties: { template: OBJ, period: OBJ, figures: OBJ, report: { type: ['object', 'null'] } } },
  async handler(ctx) {
    const t = await templateFor(ctx, ctx.query.template);
    const w = periodOf(rule(t), dayParam(ctx, t, ctx.query.date));
    const figures = ctx.caller.userId ? await figuresFor(ctx, ctx.caller.userId, w, figuresOf(t)) : {};
    return { template: templateView(t), period: periodView(w), figures, report: reportView(await ownReport(ctx, t, w.start)) };
  },
};

const submit: PluginRoute = {
  method: 'post',
  path: '/reports/submit',
  summary: 'Submits (or amends) the caller\'s report for a period, with the figures recomputed from his activity',
  description: 'Late when first submitted after the deadline. Required questions answer 422 naming /answers/<key>.',
  body: {
    type: 'object',
    required: ['template_id', 'answers'],
    additionalProperties: false,
    properties: { template_id: { type: 'string', format: 'uuid' }, date: DATE, answers: { type: 'object', maxProperties: 20, additionalProperties: { type: 'string', maxLength: 5000 } } },
  },
  response: { type: 'object', required: ['report', 'period'], properties: { report: OBJ, period: OBJ } },
  async handler(ctx) {
    const user = ctx.caller.userId;
    if (!user) throw new PipewrightError({ code: 'forbidden', status: 403, kind: 'user', message: 'Only a person submits a report.' });
    const t = await templateFor(ctx, String(ctx.body.template_id));
    const today = localDate(ctx.clock.now(), rule(t).time_zone);
    const day = typeof ctx.body.date === 'string' ? ctx.body.date : today;
    if (day > today) throw new ValidationError({ code: 'crm.report-future', message: 'A report cannot be submitted for a future period.', details: [{ pointer: '/date', message: 'must not be after today' }] });
    const w = periodOf(rule(t), day);
    const given = ctx.body.answers as Record<string, string>;
    const questions = questionsOf(t);
    const known = new Set(questions.map((q) => q.key));
    const problems = [
      ...questions.filter((q) => q.required && !(given[q.key] ?? '').trim()).map((q) => ({ pointer: `/answers/${q.key}`, message: 'is required', code: 'required' })),
      ...Object.keys(given).filter((k) => !known.has(k)).map((k) => ({ pointer: `/answers/${k}`, message: 'is not a question of this template', code: 'unknown' })),
    ];
    if (problems.length) throw new ValidationError({ code: 'crm.report-answers', message: `The report is missing answers or has unknown ones: ${problems.map((p) => p.pointer).join(', ')}.`, details: problems });
    const answers = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ''));
    const figures = await figuresFor(ctx, user, w, figuresOf(t));
    const existing = await ownReport(ctx, t, w.start);
    const now = ctx.clock.now();
    const created = { title: `${String(t.data.name)} ${w.start}`.slice(0, 300), template_id: t.id, period_start: w.start, answers, figures, submitted_at: now.toISOString(), late: now.getTime() > w.deadline.getTime(), comments: [] };
    const saved = existing
      ? await sanction({ ...existing.data, figures }, () => ctx.records.update(REPORT, existing.id, { data: { answers, figures } }, { expectedVersion: existing.version }))
      : await sanction(created, () => ctx.records.create(REPORT, { owner: user, data: created }));
    return { report: reportView(saved), period: periodView(w) };
  },
};

/** The reps who report to a template: active users with the rep role in the team's subtree. */
async function membersOf(s: PluginServices, t: PluginRecord): Promise<PluginUser[]> {
  return s.directory.users({ under: String(t.data.team_id), role: 'rep' });
}

const team: PluginRoute = {
  method: 'get',
  path: '/reports/team',
  summary: 'Who submitted a period\'s report, the reports, and the rollup (managers of the team and admins)',
  roles: ['manager', 'admin'],
  query: { template: { type: 'string', format: 'uuid', required: true }, date: DATE },
  response: { type: 'object', required: ['template', 'period', 'members', 'rollup'], properties: { template: OBJ, period: OBJ, members: { type: 'array' }, rollup: OBJ } },
  async handler(ctx) {
    const t = await templateFor(ctx, ctx.query.template);
    if (!ctx.caller.roles.includes('admin')) {
      const units = await ctx.directory.orgUnits();
      const path = units.find((u) => u.id === String(t.data.team_id))?.path ?? [];
      if (!ctx.caller.orgUnitId || !path.includes(ctx.caller.orgUnitId)) throw new PipewrightError({ code: 'forbidden', status: 403, kind: 'user', message: 'You may read the reports of your part of the organisation only.' });
    }
    const w = periodOf(rule(t), dayParam(ctx, t, ctx.query.date));
    const reports = await all(ctx, REPORT, { template_id: t.id, period_start: w.start });
    const byOwner = new Map(reports.map((r) => [r.owner, r]));
    const members = (await membersOf(ctx, t)).map((u) => {
      const r = byOwner.get(u.id) ?? null;
      return { user: { id: u.id, name: u.name }, status: r ? (r.data.late === true ? 'late' : 'submitted') : 'missing', report: reportView(r) };
    });
    const figures: Record<string, number> = Object.fromEntries(figuresOf(t).map((f) => [f, 0]));
    for (const m of members) for (const [k, v] of Object.entries(m.report?.figures ?? {})) if (k in figures) figures[k] = (figures[k] ?? 0) + v;
    const answers = Object.fromEntries(questionsOf(t).map((q) => [q.key, members.filter((m) => m.report?.answers[q.key]).map((m) => ({ user: m.user.name, text: m.report?.answers[q.key] ?? '' }))]));
    const count = (st: string) => members.filter((m) => m.status === st).length;
    return { template: templateView(t), period: periodView(w), members, rollup: { members: members.length, submitted: count('submitted') + count('late'), late: count('late'), missing: count('missing'), figures, answers } };
  },
};

const comment: PluginRoute = {
  method: 'post',
  path: '/reports/:id/comments',
  summary: 'A manager comments on a report; the rep is notified',
  roles: ['manager', 'admin'],
  body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 2000 } } },
  status: 201,
  response: OBJ,
  async handler(ctx) {
    const r = await ctx.records.get(REPORT, ctx.params.id ?? '');
    if (!r) throw new NotFoundError('There is no report with this id that you may see.');
    const text = String(ctx.body.text).trim();
    if (!text) throw new ValidationError({ code: 'crm.report-comment', message: 'The comment is empty.', details: [{ pointer: '/text', message: 'must not be blank' }] });
    const me = ctx.caller.userId ? await ctx.directory.user(ctx.caller.userId) : null;
    const comments = [...((r.data.comments ?? []) as unknown[]), { by: ctx.caller.userId ?? ctx.caller.id, by_name: me?.name ?? ctx.caller.id, at: ctx.clock.now().toISOString(), text }];
    const saved = await sanction({ ...r.data, comments }, () => ctx.records.update(REPORT, r.id, { data: { comments } }, { expectedVersion: r.version }));
    if (r.owner) {
      await ctx.notifications.send({ users: [r.owner], kind: 'report-comment', key: `report-comment:${r.id}:${comments.length}`, title: { en: `${me?.name ?? 'Your manager'} commented on your report ${String(r.data.period_start)}`, 'zh-CN': `${me?.name ?? '经理'}评论了您 ${String(r.data.period_start)} 的报告` }, body: text, record: { id: r.id, type: REPORT } });
    }
    return reportView(saved) as Record<string, unknown>;
  },
};

/**
 * The reminder job (every 5 minutes): for each template whose deadline is within its reminder
 * window, one notification to each rep of the team who has not submitted, once per period
 * (the notification key), however many runtimes run the job.
 */
export async function sendReminders(s: PluginServices): Promise<number> {
  const now = s.clock.now();
  let sent = 0;
  for (const t of await all(s, TEMPLATE, {})) {
    const r = rule(t);
    if (!validTimeZone(r.time_zone)) continue;
    const w = periodOf(r, localDate(now, r.time_zone));
    const remindAt = w.deadline.getTime() - Number(t.data.remind_before_minutes ?? 60) * 60_000;
    if (now.getTime() < remindAt || now.getTime() >= w.deadline.getTime()) continue;
    const submitted = new Set((await all(s, REPORT, { template_id: t.id, period_start: w.start })).map((x) => x.owner));
    const missing = (await membersOf(s, t)).filter((u) => u.active && !submitted.has(u.id)).map((u) => u.id);
    if (!missing.length) continue;
    const at = new Intl.DateTimeFormat('en-GB', { timeZone: r.time_zone, hour: '2-digit', minute: '2-digit' }).format(w.deadline);
    sent += await s.notifications.send({
      users: missing,
      kind: 'report-reminder',
      key: `report-reminder:${t.id}:${w.start}`,
      title: { en: `Your report "${String(t.data.name)}" is due at ${at}`, 'zh-CN': `您的「${String(t.data.name)}」将于 ${at} 截止，请及时提交` },
      data: { template: t.id, period: w.start, href: '/p/crm/report' },
    });
  }
  return sent;
}

/** The questions of the shipped presets (a template names one in `preset`). */
export const PRESET_QUESTIONS: Record<string, Question[]> = {
  daily_sales: [
    { key: 'done_today', label: 'What did you get done today?', label_zh: '今天完成了哪些工作？', required: true },
    { key: 'plan_tomorrow', label: 'What is your plan for tomorrow?', label_zh: '明天的工作计划是什么？', required: true },
    { key: 'help_needed', label: 'Where do you need help?', label_zh: '需要哪些支持？' },
  ],
};

const presetQuestions = (data: Record<string, unknown>): Question[] | null => {
  const preset = typeof data.preset === 'string' ? PRESET_QUESTIONS[data.preset] : undefined;
  return preset && !(Array.isArray(data.questions) && data.questions.length > 0) ? preset : null;
};

/** Templates: written by managers and admins only, with a time zone the runtime knows; a preset without questions gets the preset's. */
export function templateBefore(change: RecordChange, s: PluginServices): Record<string, unknown> | void {
  if (!isManager(s)) throw new PipewrightError({ code: 'forbidden', status: 403, kind: 'user', message: 'Only managers and admins write report templates.' });
  if (change.operation === 'delete') return;
  const tz = change.data.time_zone;
  if (typeof tz === 'string' && !validTimeZone(tz)) throw new ValidationError({ code: 'crm.report-time-zone', message: `"${tz}" is not a time zone (use an IANA name such as Asia/Shanghai).`, details: [{ pointer: '/data/time_zone', message: 'unknown time zone' }] });
  const questions = presetQuestions(change.data);
  if (questions) return { ...change.data, questions };
}

/**
 * Fills in the preset questions of templates written without hooks (imports, the demo): run by
 * the reminder job, and right after the demo seed. Returns how many templates it completed.
 */
export async function completePresets(s: PluginServices): Promise<number> {
  let n = 0;
  for (const t of await all(s, TEMPLATE, {})) {
    const questions = presetQuestions(t.data);
    if (!questions) continue;
    try {
      await s.records.update(TEMPLATE, t.id, { data: { questions } }, { expectedVersion: t.version });
      n++;
    } catch (err) {
      if ((err as { status?: number }).status !== 412) throw err; // changed meanwhile: the next run decides
    }
  }
  return n;
}

/** The report (日报/周报) routes of the crm plugin. */
export const reportRoutes: PluginRoute[] = [current, submit, team, comment];
