import { NotFoundError, PipewrightError, ProcessError, ValidationError, durationMillis, isPipewrightError, textIn, type EntityApproval, type LocalizableText, type Registry, type TransitionDefinition } from '@pipewright/core';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { loadUserPrincipal } from '../auth/load-principal';
import { isUnrestricted, type Principal } from '../auth/principal';
import type { ApprovalRequestTable, Database, RecordTable } from '../db/tables';
import { isoTime, isoTimeOrNull } from '../db/time';
import { notify, recipients } from '../jobs/recipients';
import { appendEvent } from '../records/writer';
import { toView } from '../records/view';
import type { PatchInput, RecordStore } from '../records/store';
import type { StoredResponse } from './idempotency';
import type { TransitionRequest, TransitionService } from './transition';

type Db = Kysely<Database> | Transaction<Database>;
type Row = Selectable<ApprovalRequestTable>;

/** One approver's decision on a request. */
export interface ApprovalDecision {
  user: string;
  /** An escalated decider's decision stands for this approver's (whose turn it was, in a sequence). */
  onBehalfOf?: string | null;
  decision: 'approve' | 'reject';
  comment: string | null;
  at: string;
}

/** A held move as the API answers it. */
export interface ApprovalView {
  id: string;
  /** `move`: a held stage move; `edit`: a held change of the record outside transitions. */
  kind: 'move' | 'edit';
  record: { id: string; type: string; title: string };
  /** A move's process version (null for an edit). */
  process: { id: string; version: number } | null;
  transition: string | null;
  from: string | null;
  /** A move's target stage (null for an edit). */
  to: string | null;
  /** The stages' labels as the process version names them (a text or the text by language). */
  labels: { from: LocalizableText | null; to: LocalizableText | null };
  /** An edit: the entity approval that applied, and the changed fields before and as asked for. */
  edit: EditView | null;
  requester: string | null;
  approvers: string[];
  required: number;
  mode: 'parallel' | 'sequential';
  /** In a sequence, the approver whose turn it is (null otherwise, and once decided). */
  next: string | null;
  /** When a waiting request escalates (its approval's timeout), if it has one. */
  dueAt: string | null;
  /** Who it escalated to: they may decide in the waiting approver's place. */
  escalatedTo: string[];
  decisions: ApprovalDecision[];
  status: Row['status'];
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

/** What an edit request changes (ADR 028 addendum). */
export interface EditView {
  rule: string;
  label: LocalizableText;
  fields: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** The notification texts of approvals, in both languages. */
function texts(kind: 'request' | 'approved' | 'rejected' | 'failed', title: string, stage: LocalizableText, reason?: string) {
  const s = { en: textIn(stage, 'en'), 'zh-CN': textIn(stage, 'zh-CN') };
  switch (kind) {
    case 'request':
      return { title: { en: `Approval needed: ${title} to ${s.en}`, 'zh-CN': `待审批：${title} 移至 ${s['zh-CN']}` }, body: { en: `Approve or reject moving ${title} to ${s.en}.`, 'zh-CN': `请审批将 ${title} 移至 ${s['zh-CN']}。` } };
    case 'approved':
      return { title: { en: `Approved: ${title} moved to ${s.en}`, 'zh-CN': `已批准：${title} 已移至 ${s['zh-CN']}` }, body: { en: `Your move of ${title} to ${s.en} was approved and made.`, 'zh-CN': `您将 ${title} 移至 ${s['zh-CN']} 的申请已批准并完成。` } };
    case 'rejected':
      return { title: { en: `Rejected: ${title} to ${s.en}`, 'zh-CN': `已驳回：${title} 移至 ${s['zh-CN']}` }, body: { en: `Your move of ${title} to ${s.en} was rejected${reason ? `: ${reason}` : '.'}`, 'zh-CN': `您将 ${title} 移至 ${s['zh-CN']} 的申请被驳回${reason ? `：${reason}` : '。'}` } };
    case 'failed':
      return { title: { en: `Approved, but not moved: ${title}`, 'zh-CN': `已批准但未能移动：${title}` }, body: { en: `The approved move of ${title} to ${s.en} could not be made: ${reason ?? ''}`, 'zh-CN': `已批准将 ${title} 移至 ${s['zh-CN']}，但未能完成：${reason ?? ''}` } };
  }
}

/** The notification texts of edit approvals (ADR 028 addendum), in both languages. */
function editTexts(kind: 'request' | 'approved' | 'rejected' | 'failed', title: string, rule: LocalizableText, reason?: string) {
  const r = { en: textIn(rule, 'en'), 'zh-CN': textIn(rule, 'zh-CN') };
  switch (kind) {
    case 'request':
      return { title: { en: `Approval needed: change of ${title} (${r.en})`, 'zh-CN': `待审批：${title} 的修改（${r['zh-CN']}）` }, body: { en: `Approve or reject the change of ${title}: ${r.en}.`, 'zh-CN': `请审批对 ${title} 的修改：${r['zh-CN']}。` } };
    case 'approved':
      return { title: { en: `Approved: change of ${title}`, 'zh-CN': `已批准：${title} 的修改` }, body: { en: `Your change of ${title} (${r.en}) was approved and saved.`, 'zh-CN': `您对 ${title} 的修改（${r['zh-CN']}）已批准并保存。` } };
    case 'rejected':
      return { title: { en: `Rejected: change of ${title}`, 'zh-CN': `已驳回：${title} 的修改` }, body: { en: `Your change of ${title} (${r.en}) was rejected${reason ? `: ${reason}` : '.'}`, 'zh-CN': `您对 ${title} 的修改（${r['zh-CN']}）被驳回${reason ? `：${reason}` : '。'}` } };
    case 'failed':
      return { title: { en: `Approved, but not saved: change of ${title}`, 'zh-CN': `已批准但未能保存：${title} 的修改` }, body: { en: `The approved change of ${title} could not be saved: ${reason ?? ''}`, 'zh-CN': `已批准对 ${title} 的修改，但未能保存：${reason ?? ''}` } };
  }
}

/** What {@link holdMove} needs of the move being asked for. */
export interface HeldMove {
  r: TransitionRequest;
  row: Selectable<RecordTable>;
  process: { id: string; version: number };
  transition: TransitionDefinition;
  from: string | null;
  stageLabel: LocalizableText;
  fromLabel?: LocalizableText;
  title: string;
  now: Date;
}

/**
 * Holds a move whose transition's approval applies (ADR 027): resolves the approvers (the
 * requester never approves his own move), refuses when too few can be found or a request is
 * already pending on the record (409), writes the request, notifies the approvers in both
 * languages and records an `approval.request` event, all in one transaction; answers 202.
 */
export async function holdMove(db: Db, m: HeldMove): Promise<StoredResponse> {
  const approval = m.transition.approval;
  if (!approval) throw new Error('holdMove without an approval');
  const t = texts('request', m.title, m.stageLabel);
  const noApprovers = (required: number, found: number): LocalizableText => ({ en: `This move needs ${required} approval(s), but only ${found} approver(s) other than you could be found. Ask an administrator to check the process's approvers.`, 'zh-CN': `此移动需要 ${required} 个审批，但除您之外只找到 ${found} 位审批人。请联系管理员检查流程的审批人设置。` });
  return inTransaction(db, async (tx) => {
    const row = await writeRequest(tx, { record: m.row, principal: m.r.principal, approval, now: m.now, noApprovers, texts: t, notice: { to: m.r.to }, event: { to: m.r.to, transition: m.transition.id ?? null },
      values: { kind: 'move', process_id: m.process.id, process_version: m.process.version, transition_id: m.transition.id ?? null, from_stage: m.from, to_stage: m.r.to, patch: m.r.data ? JSON.stringify(m.r.data) : null } });
    const labels = new Map<string, LocalizableText>([[m.r.to, m.stageLabel], ...(m.from && m.fromLabel !== undefined ? [[m.from, m.fromLabel] as const] : [])]);
    return { status: 202, body: { approval: viewOf(row, m.title, labels), record: toView(m.row) }, headers: {} };
  });
}

/** What {@link holdEdit} needs of the change being asked for. */
export interface HeldEdit {
  row: Selectable<RecordTable>;
  approval: EntityApproval;
  patch: PatchInput;
  /** The changed fields' values before and after the patch (and the hooks) applied. */
  change: { before: Record<string, unknown>; after: Record<string, unknown> };
  principal: Principal;
  title: string;
  now: Date;
}

/**
 * Holds a record change whose entity approval applies (ADR 028 addendum), as {@link holdMove}
 * holds a move: approvers resolved without the requester (409 when too few), one pending request
 * per record (409 `approval.pending`), the request written with the patch and the version, the
 * approvers told in both languages, an `approval.request` event; in the caller's transaction.
 */
export async function holdEdit(tx: Transaction<Database>, e: HeldEdit): Promise<ApprovalView> {
  const noApprovers = (required: number, found: number): LocalizableText => ({ en: `This change needs ${required} approval(s), but only ${found} approver(s) other than you could be found. Ask an administrator to check the entity's approvers.`, 'zh-CN': `此修改需要 ${required} 个审批，但除您之外只找到 ${found} 位审批人。请联系管理员检查审批人设置。` });
  const row = await writeRequest(tx, { record: e.row, principal: e.principal, approval: e.approval, now: e.now, noApprovers, texts: editTexts('request', e.title, e.approval.label), notice: { rule: e.approval.id }, event: { rule: e.approval.id, fields: Object.keys(e.change.after) },
    values: { kind: 'edit', rule: e.approval.id, patch: JSON.stringify(e.patch), change: JSON.stringify(e.change) } });
  return viewOf(row, e.title, undefined, e.approval.label);
}

const inTransaction = <T>(db: Db, run: (tx: Transaction<Database>) => Promise<T>): Promise<T> => (db.isTransaction ? run(db as Transaction<Database>) : (db as Kysely<Database>).transaction().execute(run));

/** A request as {@link writeRequest} writes it: the kind's own columns, the texts, the notice and event members. */
interface RequestSpec {
  record: Selectable<RecordTable>;
  principal: Principal;
  approval: Pick<EntityApproval, 'approvers' | 'mode' | 'timeout' | 'escalateTo'> & { required?: number | undefined };
  now: Date;
  noApprovers: (required: number, found: number) => LocalizableText;
  texts: { title: LocalizableText; body: LocalizableText };
  notice: Record<string, unknown>;
  event: Record<string, unknown>;
  values: { kind: 'move' | 'edit'; process_id?: string; process_version?: number; transition_id?: string | null; from_stage?: string | null; to_stage?: string; rule?: string; patch: string | null; change?: string };
}

/**
 * Resolves the approvers (in the order listed, a role's holders by id; never the requester),
 * refuses too few (409 `approval.no-approvers`) or a request already pending on the record (409
 * `approval.pending`), inserts the request, notifies the approvers (the first only, in a
 * sequence) and appends `approval.request`, in the caller's transaction.
 */
async function writeRequest(tx: Transaction<Database>, q: RequestSpec): Promise<Row> {
  const mode = q.approval.mode ?? 'parallel';
  const found = new Set<string>();
  for (const a of q.approval.approvers) for (const u of (await recipients(tx, q.record, a)).sort()) found.add(u);
  if (q.principal.userId) found.delete(q.principal.userId);
  const approvers = [...found];
  const required = q.approval.required ?? (mode === 'sequential' ? Math.max(1, approvers.length) : 1);
  const timeoutMs = q.approval.timeout ? durationMillis(q.approval.timeout) : null;
  const dueAt = timeoutMs ? new Date(q.now.getTime() + timeoutMs) : null;
  if (approvers.length < required) {
    const message = q.noApprovers(required, approvers.length);
    throw new ProcessError({ code: 'approval.no-approvers', status: 409, message: textIn(message, 'en'), localizedMessage: message, extensions: { required, found: approvers.length } });
  }
  const pending = await tx.selectFrom('approval_requests').select('id').where('record_id', '=', q.record.id).where('status', 'in', ['pending', 'approving']).executeTakeFirst();
  if (pending) throw pendingProblem(pending.id);
  const id = crypto.randomUUID();
  await tx
    .insertInto('approval_requests')
    .values({ id, record_id: q.record.id, record_type: q.record.type, record_version: q.record.version, ...q.values, requester: q.principal.id, requester_user: q.principal.userId, approvers: JSON.stringify(approvers), required, mode, due_at: dueAt, escalate_role: q.approval.timeout ? (q.approval.escalateTo?.role ?? 'manager') : null, created_at: q.now })
    .execute();
  // A sequence asks its first approver now, the next one after each approval.
  await notify(tx, mode === 'sequential' ? approvers.slice(0, 1) : approvers, { kind: 'approval-request', key: `approval:${id}`, title: textIn(q.texts.title, 'en'), body: textIn(q.texts.body, 'en'), record: { id: q.record.id, type: q.record.type }, data: { approvalId: id, ...q.notice, i18n: q.texts }, at: q.now });
  await appendEvent(tx, { record: toView(q.record), action: 'approval.request', actor: q.principal, at: q.now, before: null, after: null, meta: { approval: id, kind: q.values.kind, ...q.event, approvers, required } });
  return tx.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function pendingProblem(id: string): ProcessError {
  const en = 'A move or change of this record is already waiting for approval; it must be decided or withdrawn first.';
  return new ProcessError({ code: 'approval.pending', status: 409, message: en, localizedMessage: { en, 'zh-CN': '此记录已有一个移动或修改在等待审批；须先审批或撤回。' }, extensions: { approval: id } });
}

function viewOf(r: Row, title: string, stages?: ReadonlyMap<string, LocalizableText>, ruleLabel?: LocalizableText): ApprovalView {
  const change = r.kind === 'edit' ? json<{ before?: Record<string, unknown>; after?: Record<string, unknown> } | null>(r.change) : null;
  return {
    id: r.id,
    kind: r.kind,
    record: { id: r.record_id, type: r.record_type, title },
    process: r.process_id === null || r.process_version === null ? null : { id: r.process_id, version: r.process_version },
    transition: r.transition_id,
    from: r.from_stage,
    to: r.to_stage,
    labels: { from: r.from_stage === null ? null : (stages?.get(r.from_stage) ?? r.from_stage), to: r.to_stage === null ? null : (stages?.get(r.to_stage) ?? r.to_stage) },
    edit: r.kind === 'edit' ? { rule: r.rule ?? '', label: ruleLabel ?? r.rule ?? '', fields: Object.keys(change?.after ?? {}), before: change?.before ?? {}, after: change?.after ?? {} } : null,
    requester: r.requester_user,
    approvers: json<string[]>(r.approvers),
    required: r.required,
    mode: r.mode,
    next: r.status === 'pending' ? nextApprover(r) : null,
    dueAt: isoTimeOrNull(r.due_at),
    escalatedTo: json<string[]>(r.escalated_to),
    decisions: json<ApprovalDecision[]>(r.decisions),
    status: r.status,
    reason: r.reason,
    createdAt: isoTime(r.created_at),
    decidedAt: isoTimeOrNull(r.decided_at),
  };
}

/**
 * The approvals API's work: lists (what waits on the caller, what the caller asked for, all for
 * admins), decisions (a listed approver approves or rejects once, with a comment; the last needed
 * approval makes the held move as the requester, checks run again on the record as it is then),
 * and withdrawal by the requester. Decisions are events on the record and notify the requester.
 */
export class ApprovalService {
  constructor(
    readonly db: Kysely<Database>,
    readonly registry: Registry,
    readonly transitions: TransitionService,
    readonly now: () => Date,
    readonly store: RecordStore,
  ) {}

  /** The views of requests: record titles, stage labels of moves, entity approval labels of edits. */
  async #views(rows: Row[]): Promise<ApprovalView[]> {
    const titles = await this.#titles(rows);
    const stages = await this.#stages(rows.filter((r) => r.kind === 'move'));
    return rows.map((r) => viewOf(r, titles.get(r.record_id) ?? r.record_id, stages.get(`${r.process_id}@${r.process_version}`), this.#ruleLabel(r)));
  }

  /** An edit request's entity approval label (its id when the entity no longer declares it). */
  #ruleLabel(r: Pick<Row, 'record_type' | 'rule'>): LocalizableText {
    return this.registry.entities.get(r.record_type)?.approvals?.find((a) => a.id === r.rule)?.label ?? r.rule ?? '';
  }

  async #titles(rows: Row[]): Promise<Map<string, string>> {
    const ids = [...new Set(rows.map((r) => r.record_id))];
    if (ids.length === 0) return new Map();
    const recs = await this.db.selectFrom('records').select(['id', 'type', 'data']).where('id', 'in', ids).execute();
    return new Map(recs.map((r) => {
      const field = this.registry.entities.get(r.type)?.titleField;
      const data = json<Record<string, unknown>>(r.data);
      return [r.id, String((field ? data[field] : undefined) ?? r.id)];
    }));
  }

  /** Requests in one box: `waiting` (pending, the caller is an approver who has not decided), `requested` (the caller's own), `all` (admins). */
  async list(principal: Principal, box: 'waiting' | 'requested' | 'all' | 'record', status?: Row['status'], record?: string): Promise<ApprovalView[]> {
    const user = principal.userId;
    let q = this.db.selectFrom('approval_requests').selectAll();
    if (record !== undefined) q = q.where('record_id', '=', record);
    if (box === 'record') {
      // every request on one record that the reader may read (its requester, approvers, admins)
      if (record === undefined) throw new ValidationError({ code: 'query.invalid', status: 400, message: 'box=record needs the record parameter.', details: [{ pointer: '', parameter: 'record', message: 'is required with box=record', code: 'required' }] });
      if (status) q = q.where('status', '=', status);
      const rows = (await q.orderBy('created_at', 'desc').limit(200).execute()).filter((r) => mayRead(principal, r));
      return this.#views(rows);
    }
    if (box === 'waiting') {
      if (!user) return [];
      q = q.where('status', '=', 'pending').where(sql<boolean>`(approvers @> ${JSON.stringify([user])}::jsonb or escalated_to @> ${JSON.stringify([user])}::jsonb)`).where(sql<boolean>`not exists (select 1 from jsonb_array_elements(decisions) d where d->>'user' = ${user})`);
    } else if (box === 'requested') {
      if (!user) return [];
      q = q.where('requester_user', '=', user);
    } else if (!isUnrestricted(principal) && !principal.roles.includes('admin')) {
      throw new PipewrightError({ code: 'auth.forbidden', status: 403, message: 'Only administrators may list every approval.' });
    }
    if (status) q = q.where('status', '=', status);
    let rows = await q.orderBy('created_at', 'desc').limit(200).execute();
    // In a sequence, a request waits on one approver at a time.
    if (box === 'waiting') rows = rows.filter((r) => r.mode !== 'sequential' || nextApprover(r) === user || json<string[]>(r.escalated_to).includes(user as string));
    return this.#views(rows);
  }

  /** One request, for its requester, its approvers and admins (404 for anyone else). */
  async get(principal: Principal, id: string): Promise<ApprovalView> {
    const row = await this.db.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !mayRead(principal, row)) throw notFound(id);
    return (await this.#views([row]))[0] as ApprovalView;
  }

  /** Stage labels of the process versions the requests are on, by `process@version`. */
  async #stages(rows: Row[]): Promise<Map<string, Map<string, LocalizableText>>> {
    const out = new Map<string, Map<string, LocalizableText>>();
    for (const key of new Set(rows.map((r) => `${r.process_id}@${r.process_version}`))) {
      const [id, version] = [key.slice(0, key.lastIndexOf('@')), Number(key.slice(key.lastIndexOf('@') + 1))];
      const v = await this.db.selectFrom('process_versions').select('definition').where('process_id', '=', id).where('version', '=', version).executeTakeFirst();
      const def = v ? json<{ stages?: { id: string; label: LocalizableText }[] }>(v.definition) : undefined;
      out.set(key, new Map((def?.stages ?? []).map((st) => [st.id, st.label])));
    }
    return out;
  }

  /**
   * Records a decision. A rejection ends the request; the approval that reaches the required
   * number makes the move as the requester (guard, requirements and version checked again): the
   * request ends `approved`, or `failed` with the reason when the move is refused now.
   */
  async decide(principal: Principal, id: string, decision: 'approve' | 'reject', comment: string | null, locale: string): Promise<ApprovalView> {
    const at = this.now();
    const decided = await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('approval_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row || !mayRead(principal, row)) throw notFound(id);
      const approvers = json<string[]>(row.approvers);
      const decisions = json<ApprovalDecision[]>(row.decisions);
      const escalated = json<string[]>(row.escalated_to);
      const deputy = !!principal.userId && !approvers.includes(principal.userId) && escalated.includes(principal.userId);
      if (!principal.userId || (!approvers.includes(principal.userId) && !deputy)) throw new PipewrightError({ code: 'approval.not-an-approver', status: 403, message: 'You are not an approver of this request.', localizedMessage: { en: 'You are not an approver of this request.', 'zh-CN': '您不是此申请的审批人。' } });
      if (row.status !== 'pending') throw new ProcessError({ code: 'approval.decided', status: 409, message: `This request is already ${row.status}.`, localizedMessage: { en: `This request is already ${row.status}.`, 'zh-CN': '此申请已处理。' }, extensions: { requestStatus: row.status } });
      if (decisions.some((d) => d.user === principal.userId)) throw new ProcessError({ code: 'approval.already-decided', status: 409, message: 'You have already decided on this request.', localizedMessage: { en: 'You have already decided on this request.', 'zh-CN': '您已审批过此申请。' } });
      if (row.mode === 'sequential' && !deputy && nextApprover(row) !== principal.userId) throw new ProcessError({ code: 'approval.not-your-turn', status: 409, message: 'This request is asked of its approvers in turn, and it is not yours yet.', localizedMessage: { en: 'This request is asked of its approvers in turn, and it is not yours yet.', 'zh-CN': '此申请按顺序审批，尚未轮到您。' }, extensions: { next: nextApprover(row) } });
      // An escalated decider stands in for whose turn it is (in a sequence) or for the approvers (in parallel).
      const onBehalfOf = deputy ? (row.mode === 'sequential' ? nextApprover(row) : null) : null;
      const next = [...decisions, { user: principal.userId, ...(deputy ? { onBehalfOf } : {}), decision, comment, at: at.toISOString() }];
      const approvals = next.filter((d) => d.decision === 'approve').length;
      const status = decision === 'reject' ? 'rejected' : approvals >= row.required ? 'approving' : 'pending';
      await tx.updateTable('approval_requests').set({ decisions: JSON.stringify(next), status, ...(status === 'rejected' ? { decided_at: at, reason: comment } : {}) }).where('id', '=', id).execute();
      const record = await tx.selectFrom('records').selectAll().where('id', '=', row.record_id).executeTakeFirst();
      if (record) await appendEvent(tx, { record: toView(record), action: `approval.${decision}`, actor: principal, at, before: null, after: null, meta: { approval: id, comment, ...(row.kind === 'move' ? { to: row.to_stage } : { rule: row.rule }) } });
      return { row: { ...row, decisions: next, status } as Row, record };
    });
    const row = decided.row;
    const title = (await this.#titles([row])).get(row.record_id) ?? row.record_id;
    const stage = row.kind === 'move' ? await this.#stageLabel(row) : null;
    const say = (kind: 'request' | 'approved' | 'rejected' | 'failed', reason?: string) => (stage === null ? editTexts(kind, title, this.#ruleLabel(row), reason) : texts(kind, title, stage, reason));
    const requester = row.requester_user;
    const ref = { id: row.record_id, type: row.record_type };
    if (row.status === 'rejected') {
      const t = say('rejected', comment ?? undefined);
      if (requester) await notify(this.db, [requester], { kind: 'approval-rejected', key: `approval-decided:${id}`, title: t.title.en, body: t.body.en, record: ref, data: { approvalId: id, i18n: t }, at });
      return this.get(principal, id);
    }
    if (row.status !== 'approving') {
      const next = row.mode === 'sequential' ? nextApprover(row) : null;
      if (next) {
        const t = say('request');
        await notify(this.db, [next], { kind: 'approval-request', key: `approval:${id}`, title: t.title.en, body: t.body.en, record: ref, data: { approvalId: id, ...(row.kind === 'move' ? { to: row.to_stage } : { rule: row.rule }), i18n: t }, at });
      }
      return this.get(principal, id);
    }
    // The move or the change, as the requester, on the record as it is now.
    let outcome: { status: 'approved' | 'failed'; reason: string | null };
    try {
      const who = requester ? await loadUserPrincipal(this.db, requester, { via: 'session', credentialId: `approval:${id}` }) : null;
      if (!who) throw new ProcessError({ code: 'approval.requester-inactive', status: 409, message: 'The user who asked for the move or change is no longer active.' });
      if (row.kind === 'edit') {
        await this.store.update(row.record_type, row.record_id, json<PatchInput>(row.patch), row.record_version, who, undefined, { approval: id });
      } else {
        await this.transitions.execute({
          type: row.record_type,
          id: row.record_id,
          to: row.to_stage as string,
          ...(row.transition_id ? { transition: row.transition_id } : {}),
          ...(row.patch ? { data: json<Record<string, unknown>>(row.patch) } : {}),
          expectedVersion: row.record_version,
          principal: who,
          approval: id,
          locale,
        });
      }
      outcome = { status: 'approved', reason: null };
    } catch (err) {
      if (!isPipewrightError(err)) throw err;
      const what = row.kind === 'edit' ? { en: 'change', 'zh-CN': '修改' } : { en: 'move', 'zh-CN': '移动' };
      const reason = err.code === 'record.stale-version' ? (locale === 'zh-CN' ? `提交申请后记录已被修改，请重新发起${what['zh-CN']}。` : `The record changed after the request; ask for the ${what.en} again.`) : (err.localizedMessage ? textIn(err.localizedMessage, locale) : err.message);
      outcome = { status: 'failed', reason };
    }
    await this.db.updateTable('approval_requests').set({ status: outcome.status, decided_at: at, reason: outcome.reason }).where('id', '=', id).where('status', '=', 'approving').execute();
    const t = say(outcome.status === 'approved' ? 'approved' : 'failed', outcome.reason ?? undefined);
    if (requester) await notify(this.db, [requester], { kind: outcome.status === 'approved' ? 'approval-approved' : 'approval-failed', key: `approval-decided:${id}`, title: t.title.en, body: t.body.en, record: ref, data: { approvalId: id, i18n: t }, at });
    return this.get(principal, id);
  }

  /** The requester takes a pending request back. */
  async withdraw(principal: Principal, id: string): Promise<ApprovalView> {
    const at = this.now();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('approval_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row || !mayRead(principal, row)) throw notFound(id);
      if (row.requester_user !== principal.userId) throw new PipewrightError({ code: 'approval.not-the-requester', status: 403, message: 'Only the user who asked for the move or change may withdraw it.', localizedMessage: { en: 'Only the user who asked for the move or change may withdraw it.', 'zh-CN': '只有发起申请的用户可以撤回。' } });
      if (row.status !== 'pending') throw new ProcessError({ code: 'approval.decided', status: 409, message: `This request is already ${row.status}.`, extensions: { requestStatus: row.status } });
      await tx.updateTable('approval_requests').set({ status: 'withdrawn', decided_at: at }).where('id', '=', id).execute();
    });
    return this.get(principal, id);
  }

  async #stageLabel(row: Row): Promise<LocalizableText> {
    const to = row.to_stage ?? '';
    return (await this.#stages([row])).get(`${row.process_id}@${row.process_version}`)?.get(to) ?? to;
  }
}

/** In a sequence, the first approver who has not decided yet. */
function nextApprover(row: Pick<Row, 'approvers' | 'decisions'>): string | null {
  const decided = new Set(json<ApprovalDecision[]>(row.decisions).flatMap((d) => [d.user, ...(d.onBehalfOf ? [d.onBehalfOf] : [])]));
  return json<string[]>(row.approvers).find((u) => !decided.has(u)) ?? null;
}

function mayRead(principal: Principal, row: Row): boolean {
  if (isUnrestricted(principal) || principal.roles.includes('admin')) return true;
  const user = principal.userId;
  return !!user && (row.requester_user === user || json<string[]>(row.approvers).includes(user) || json<string[]>(row.escalated_to).includes(user));
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`There is no approval request "${id}" you may see.`, { entity: 'approval', id });
}

/** Reads a decision body: `{ "decision": "approve" | "reject", "comment"? }` (a rejection needs a comment). */
export function readDecision(body: Record<string, unknown>): { decision: 'approve' | 'reject'; comment: string | null } {
  const details: { pointer: string; message: string; code: string }[] = [];
  for (const k of Object.keys(body)) if (k !== 'decision' && k !== 'comment') details.push({ pointer: `/${k}`, message: 'is not allowed', code: 'additionalProperties' });
  const decision = body.decision;
  if (decision !== 'approve' && decision !== 'reject') details.push({ pointer: '/decision', message: 'must be "approve" or "reject"', code: 'enum' });
  const comment = body.comment;
  if (comment !== undefined && comment !== null && (typeof comment !== 'string' || comment.length > 2000)) details.push({ pointer: '/comment', message: 'must be a text of at most 2000 characters', code: 'type' });
  if (decision === 'reject' && (typeof comment !== 'string' || comment.trim() === '')) details.push({ pointer: '/comment', message: 'a rejection needs a reason', code: 'required' });
  if (details.length > 0) throw new ValidationError({ code: 'body.invalid', message: `The decision is invalid: ${details.map((d) => `${d.pointer} ${d.message}`).join('; ')}.`, details });
  return { decision: decision as 'approve' | 'reject', comment: typeof comment === 'string' && comment.trim() !== '' ? comment.trim() : null };
}
