import { NotFoundError, PipewrightError, ProcessError, ValidationError, durationMillis, isPipewrightError, textIn, type LocalizableText, type Registry, type TransitionDefinition } from '@pipewright/core';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { loadUserPrincipal } from '../auth/load-principal';
import { isUnrestricted, type Principal } from '../auth/principal';
import type { ApprovalRequestTable, Database, RecordTable } from '../db/tables';
import { isoTime, isoTimeOrNull } from '../db/time';
import { notify, recipients } from '../jobs/recipients';
import { appendEvent } from '../records/writer';
import { toView } from '../records/view';
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
  record: { id: string; type: string; title: string };
  process: { id: string; version: number };
  transition: string | null;
  from: string | null;
  to: string;
  /** The stages' labels as the process version names them (a text or the text by language). */
  labels: { from: LocalizableText | null; to: LocalizableText };
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
  const run = async (tx: Transaction<Database>): Promise<StoredResponse> => {
    const approval = m.transition.approval;
    if (!approval) throw new Error('holdMove without an approval');
    const mode = approval.mode ?? 'parallel';
    // In the order the process lists them (a role's holders by id): the order a sequence asks them in.
    const found = new Set<string>();
    for (const a of approval.approvers) for (const u of (await recipients(tx, m.row, a)).sort()) found.add(u);
    if (m.r.principal.userId) found.delete(m.r.principal.userId);
    const approvers = [...found];
    const required = approval.required ?? (mode === 'sequential' ? Math.max(1, approvers.length) : 1);
    const timeoutMs = approval.timeout ? durationMillis(approval.timeout) : null;
    const dueAt = timeoutMs ? new Date(m.now.getTime() + timeoutMs) : null;
    if (approvers.length < required) {
      throw new ProcessError({ code: 'approval.no-approvers', status: 409, message: `This move needs ${required} approval(s), but only ${approvers.length} approver(s) other than you could be found. Ask an administrator to check the process's approvers.`, localizedMessage: { en: `This move needs ${required} approval(s), but only ${approvers.length} approver(s) other than you could be found. Ask an administrator to check the process's approvers.`, 'zh-CN': `此移动需要 ${required} 个审批，但除您之外只找到 ${approvers.length} 位审批人。请联系管理员检查流程的审批人设置。` }, extensions: { required, found: approvers.length } });
    }
    const pending = await tx.selectFrom('approval_requests').select('id').where('record_id', '=', m.row.id).where('status', 'in', ['pending', 'approving']).executeTakeFirst();
    if (pending) throw pendingProblem(pending.id);
    const id = crypto.randomUUID();
    await tx
      .insertInto('approval_requests')
      .values({ id, record_id: m.row.id, record_type: m.row.type, record_version: m.row.version, process_id: m.process.id, process_version: m.process.version, transition_id: m.transition.id ?? null, from_stage: m.from, to_stage: m.r.to, patch: m.r.data ? JSON.stringify(m.r.data) : null, requester: m.r.principal.id, requester_user: m.r.principal.userId, approvers: JSON.stringify(approvers), required, mode, due_at: dueAt, escalate_role: approval.timeout ? (approval.escalateTo?.role ?? 'manager') : null, created_at: m.now })
      .execute();
    const t = texts('request', m.title, m.stageLabel);
    // A sequence asks its first approver now, the next one after each approval.
    await notify(tx, mode === 'sequential' ? approvers.slice(0, 1) : approvers, { kind: 'approval-request', key: `approval:${id}`, title: t.title.en, body: t.body.en, record: { id: m.row.id, type: m.row.type }, data: { approvalId: id, to: m.r.to, i18n: t }, at: m.now });
    await appendEvent(tx, { record: toView(m.row), action: 'approval.request', actor: m.r.principal, at: m.now, before: null, after: null, meta: { approval: id, to: m.r.to, transition: m.transition.id ?? null, approvers, required } });
    const row = await tx.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const labels = new Map<string, LocalizableText>([[m.r.to, m.stageLabel], ...(m.from && m.fromLabel !== undefined ? [[m.from, m.fromLabel] as const] : [])]);
    return { status: 202, body: { approval: viewOf(row, m.title, labels), record: toView(m.row) }, headers: {} };
  };
  return db.isTransaction ? run(db as Transaction<Database>) : (db as Kysely<Database>).transaction().execute(run);
}

function pendingProblem(id: string): ProcessError {
  const en = 'A move of this record is already waiting for approval; it must be decided or withdrawn first.';
  return new ProcessError({ code: 'approval.pending', status: 409, message: en, localizedMessage: { en, 'zh-CN': '此记录已有一个移动在等待审批；须先审批或撤回。' }, extensions: { approval: id } });
}

function viewOf(r: Row, title: string, stages?: ReadonlyMap<string, LocalizableText>): ApprovalView {
  return {
    id: r.id,
    record: { id: r.record_id, type: r.record_type, title },
    process: { id: r.process_id, version: r.process_version },
    transition: r.transition_id,
    from: r.from_stage,
    to: r.to_stage,
    labels: { from: r.from_stage === null ? null : (stages?.get(r.from_stage) ?? r.from_stage), to: stages?.get(r.to_stage) ?? r.to_stage },
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
  ) {}

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
  async list(principal: Principal, box: 'waiting' | 'requested' | 'all', status?: Row['status']): Promise<ApprovalView[]> {
    const user = principal.userId;
    let q = this.db.selectFrom('approval_requests').selectAll();
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
    const titles = await this.#titles(rows);
    const stages = await this.#stages(rows);
    return rows.map((r) => viewOf(r, titles.get(r.record_id) ?? r.record_id, stages.get(`${r.process_id}@${r.process_version}`)));
  }

  /** One request, for its requester, its approvers and admins (404 for anyone else). */
  async get(principal: Principal, id: string): Promise<ApprovalView> {
    const row = await this.db.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !mayRead(principal, row)) throw notFound(id);
    return viewOf(row, (await this.#titles([row])).get(row.record_id) ?? row.record_id, (await this.#stages([row])).get(`${row.process_id}@${row.process_version}`));
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
      if (record) await appendEvent(tx, { record: toView(record), action: `approval.${decision}`, actor: principal, at, before: null, after: null, meta: { approval: id, comment, to: row.to_stage } });
      return { row: { ...row, decisions: next, status } as Row, record };
    });
    const title = (await this.#titles([decided.row])).get(decided.row.record_id) ?? decided.row.record_id;
    const stage = await this.#stageLabel(decided.row);
    const requester = decided.row.requester_user;
    const ref = { id: decided.row.record_id, type: decided.row.record_type };
    if (decided.row.status === 'rejected') {
      const t = texts('rejected', title, stage, comment ?? undefined);
      if (requester) await notify(this.db, [requester], { kind: 'approval-rejected', key: `approval-decided:${id}`, title: t.title.en, body: t.body.en, record: ref, data: { approvalId: id, i18n: t }, at });
      return this.get(principal, id);
    }
    if (decided.row.status !== 'approving') {
      const next = decided.row.mode === 'sequential' ? nextApprover(decided.row) : null;
      if (next) {
        const t = texts('request', title, stage);
        await notify(this.db, [next], { kind: 'approval-request', key: `approval:${id}`, title: t.title.en, body: t.body.en, record: ref, data: { approvalId: id, to: decided.row.to_stage, i18n: t }, at });
      }
      return this.get(principal, id);
    }
    // The move, as the requester, on the record as it is now.
    let outcome: { status: 'approved' | 'failed'; reason: string | null };
    try {
      const who = requester ? await loadUserPrincipal(this.db, requester, { via: 'session', credentialId: `approval:${id}` }) : null;
      if (!who) throw new ProcessError({ code: 'approval.requester-inactive', status: 409, message: 'The user who asked for the move is no longer active.' });
      await this.transitions.execute({
        type: decided.row.record_type,
        id: decided.row.record_id,
        to: decided.row.to_stage,
        ...(decided.row.transition_id ? { transition: decided.row.transition_id } : {}),
        ...(decided.row.patch ? { data: json<Record<string, unknown>>(decided.row.patch) } : {}),
        expectedVersion: decided.row.record_version,
        principal: who,
        approval: id,
        locale,
      });
      outcome = { status: 'approved', reason: null };
    } catch (err) {
      if (!isPipewrightError(err)) throw err;
      const reason = err.code === 'record.stale-version' ? (locale === 'zh-CN' ? '提交申请后记录已被修改，请重新发起移动。' : 'The record changed after the request; ask for the move again.') : (err.localizedMessage ? textIn(err.localizedMessage, locale) : err.message);
      outcome = { status: 'failed', reason };
    }
    await this.db.updateTable('approval_requests').set({ status: outcome.status, decided_at: at, reason: outcome.reason }).where('id', '=', id).where('status', '=', 'approving').execute();
    const t = texts(outcome.status === 'approved' ? 'approved' : 'failed', title, stage, outcome.reason ?? undefined);
    if (requester) await notify(this.db, [requester], { kind: outcome.status === 'approved' ? 'approval-approved' : 'approval-failed', key: `approval-decided:${id}`, title: t.title.en, body: t.body.en, record: ref, data: { approvalId: id, i18n: t }, at });
    return this.get(principal, id);
  }

  /** The requester takes a pending request back. */
  async withdraw(principal: Principal, id: string): Promise<ApprovalView> {
    const at = this.now();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('approval_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row || !mayRead(principal, row)) throw notFound(id);
      if (row.requester_user !== principal.userId) throw new PipewrightError({ code: 'approval.not-the-requester', status: 403, message: 'Only the user who asked for the move may withdraw it.', localizedMessage: { en: 'Only the user who asked for the move may withdraw it.', 'zh-CN': '只有发起移动的用户可以撤回。' } });
      if (row.status !== 'pending') throw new ProcessError({ code: 'approval.decided', status: 409, message: `This request is already ${row.status}.`, extensions: { requestStatus: row.status } });
      await tx.updateTable('approval_requests').set({ status: 'withdrawn', decided_at: at }).where('id', '=', id).execute();
    });
    return this.get(principal, id);
  }

  async #stageLabel(row: Row): Promise<LocalizableText> {
    return (await this.#stages([row])).get(`${row.process_id}@${row.process_version}`)?.get(row.to_stage) ?? row.to_stage;
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
