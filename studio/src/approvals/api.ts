import { request } from '../api/client';

/** A move held for approval, as `/api/approvals` answers it. */
export interface ApprovalInfo {
  id: string;
  record: { id: string; type: string; title: string };
  process: { id: string; version: number };
  transition: string | null;
  from: string | null;
  to: string;
  labels: { from: string | Record<string, string> | null; to: string | Record<string, string> };
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
  decide: (id: string, decision: 'approve' | 'reject', comment: string) => request<ApprovalInfo>('POST', `/api/approvals/${enc(id)}/decisions`, { json: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) } }),
  withdraw: (id: string) => request<ApprovalInfo>('POST', `/api/approvals/${enc(id)}/withdraw`),
};
