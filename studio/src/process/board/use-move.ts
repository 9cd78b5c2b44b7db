import { useState } from 'react';
import type { ApprovalInfo } from '../../approvals/api';
import { api } from '../../api/client';
import { processApi, type TransitionProblem } from '../../api/processes';
import { ApiError } from '../../api/problem';
import type { RecordView } from '../../api/types';

/** Where a move stands: in flight, blocked by a guard, waiting for required fields, or failed. */
export type MoveState =
  | { phase: 'pending'; deal: RecordView; to: string; transition: string | null }
  | { phase: 'blocked'; deal: RecordView; to: string; transition: string | null; problem: TransitionProblem }
  | { phase: 'requirements'; deal: RecordView; to: string; transition: string | null; problem: TransitionProblem }
  | { phase: 'error'; deal: RecordView; to: string; transition: string | null; message: string; code?: string; stale?: boolean; tooCostly?: boolean }
  | null;

/** Callbacks of {@link useMove}. */
export interface MoveCallbacks {
  /** The record after a successful move, and the stage it left. */
  onMoved(record: RecordView, from: string): void;
  /** The move waits for approvers (its transition asks for approval here): nothing moved yet. */
  onHeld?(approval: ApprovalInfo, record: RecordView): void;
  /** A newer version of the record (after a 412). */
  onReloaded(record: RecordView): void;
}

/**
 * Moves records between stages through the transition API (If-Match and a fresh
 * Idempotency-Key per request): a failed guard keeps its explanation, missing requirements keep
 * the JSON Schema of exactly those fields so a form can ask for them, and `retry` sends the
 * filled fields with the move. A move started with the missing fields the server already listed
 * (`GET .../transitions`) opens the form at once. A stale record (412) is reloaded.
 *
 * @example
 * ```ts
 * const { state, move, retry, close } = useMove('acme.ticket', { onMoved, onReloaded });
 * await move(deal, 'proposal');
 * ```
 */
export function useMove(type: string, cb: MoveCallbacks) {
  const [state, setState] = useState<MoveState>(null);

  const attempt = async (deal: RecordView, to: string, transition: string | null, data?: Record<string, unknown>): Promise<void> => {
    const from = deal.stage ?? '';
    try {
      const res = await processApi.transition(type, deal.id, deal.version, { to, ...(transition ? { transition } : {}), ...(data ? { data } : {}) });
      setState(null);
      if ('approval' in res) cb.onHeld?.(res.approval, res.record);
      else cb.onMoved(res.record, from);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        setState({ phase: 'error', deal, to, transition, message: err instanceof Error ? err.message : String(err) });
        return;
      }
      const problem = err.problem as TransitionProblem;
      if (problem.code === 'process.guard-failed') return setState({ phase: 'blocked', deal, to, transition, problem });
      // The guard itself did too much work (an admin's rule to fix), not something the rep can change.
      if (problem.code === 'process.guard-budget-exceeded') return setState({ phase: 'error', deal, to, transition, message: problem.detail, code: problem.code, tooCostly: true });
      if (problem.code === 'process.requirements-unmet' && problem.schema) {
        // a retry that is still incomplete: let the form show the problems on its fields
        if (data) throw err;
        return setState({ phase: 'requirements', deal, to, transition, problem });
      }
      if (data && err.status === 422) throw err;
      if (err.status === 412) {
        const fresh = await api.get(type, deal.id).catch(() => null);
        if (fresh) cb.onReloaded(fresh);
        return setState({ phase: 'error', deal: fresh ?? deal, to, transition, message: problem.detail, stale: true });
      }
      setState({ phase: 'error', deal, to, transition, message: problem.detail, ...(problem.code ? { code: problem.code } : {}) });
    }
  };

  return {
    state,
    /** Starts a move (ignored while another is in flight or when the target is the current stage). */
    move: async (deal: RecordView, to: string, transition: string | null = null, missing: { fields: string[]; schema: Record<string, unknown> } | null = null) => {
      if (state?.phase === 'pending' || deal.stage === to) return;
      // Known missing fields (from the moves the server offered): ask for them first.
      if (missing) return setState({ phase: 'requirements', deal, to, transition, problem: { status: 422, code: 'process.requirements-unmet', detail: '', fields: missing.fields, schema: missing.schema } });
      setState({ phase: 'pending', deal, to, transition });
      await attempt(deal, to, transition);
    },
    /** Retries the pending move with the fields the form collected; rejects with the server's problems. */
    retry: async (data: Record<string, unknown>) => {
      if (!state || state.phase === 'pending') return;
      await attempt(state.deal, state.to, state.transition, data);
    },
    close: () => setState(null),
  };
}
