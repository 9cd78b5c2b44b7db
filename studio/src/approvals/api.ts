import { request } from '../api/client';

type Text = string | Record<string, string>;

/** A move or a record change held for approval, as `/api/approvals` answers it. */
export interface ApprovalInfo {
  id: string;
  /** `move`: a stage move; `edit`: a change of the record outside transitions (ADR 028 addendum). */
  kind: 'move' | 'edit';
  record: { id: string; type: string; title: string };
  process: { id: string; version: number } | null;
  transition: string | null;
  from: string | null;
  to: string | null;
  labels: { from: Text | null; to: Text | null };
  /** An edit: the entity approval that applied and the changed fields before and as asked for. */
  edit: { rule: string; label: Text; fields: string[]; before: Record<string, unknown>; after: Record<string, unknown> } | null;
  requester: string | null;
  approvers: string[];
  required: number;
  mode: 'parallel' | 'sequential';
  next: string | null;
  decisions: { user: string; decision: 'approve' | 'reject'; comment: string | null; at: string }[];
  status: 'pending' | 'approving' | 'approved' | 'rejected' | 'withdrawn' | 'failed';
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

const enc = encodeURIComponent;

export const approvalsApi = {
  list: (box: 'waiting' | 'requested', signal?: AbortSignal) => request<{ items: ApprovalInfo[] }>('GET', `/api/approvals?box=${box}`, signal ? { signal } : {}),
  /** The pending requests on one record that the reader may read (its requester, approvers, admins). */
  pendingOn: (record: string, signal?: AbortSignal) => request<{ items: ApprovalInfo[] }>('GET', `/api/approvals?box=record&status=pending&record=${enc(record)}`, signal ? { signal } : {}),
  decide: (id: string, decision: 'approve' | 'reject', comment: string) => request<ApprovalInfo>('POST', `/api/approvals/${enc(id)}/decisions`, { json: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) } }),
  withdraw: (id: string) => request<ApprovalInfo>('POST', `/api/approvals/${enc(id)}/withdraw`),
};
