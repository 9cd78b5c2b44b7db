import { lazy, Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntityInfo } from '../../api/types';
import { recordTitle } from '../../entities/format';
import { ExplainTree } from '../../rules/ExplainTree';
import { requirementFormSchema } from './requirement-form';
import type { MoveState } from './use-move';

// The generated form (rjsf) loads when a move first asks for missing fields, not with the board.
const RecordForm = lazy(() => import('../../forms/RecordForm').then((m) => ({ default: m.RecordForm })));

const KNOWN_ERRORS: Record<string, string> = {
  'process.transition-not-allowed': 'board.errors.notAllowed',
  'process.stage-not-in-process': 'board.errors.notInVersion',
  'process.unknown-stage': 'board.errors.notInVersion',
  'process.ambiguous-transition': 'board.errors.ambiguous',
  'record.locked-fields': 'board.errors.locked',
  forbidden: 'board.errors.forbidden',
  'not-found': 'board.errors.gone',
  'rate-limited': 'board.errors.busy',
};

/**
 * The translated sentence for a refused move's problem code (never the server's raw text).
 *
 * @example
 * ```ts
 * moveErrorText(t, 'forbidden', 'Won'); // 'You may not make this move.'
 * ```
 */
export function moveErrorText(t: (key: string, o?: Record<string, unknown>) => string, code: string | undefined, stage: string): string {
  return t(code && KNOWN_ERRORS[code] ? KNOWN_ERRORS[code] : 'board.errors.other', { stage });
}

/** Props of {@link MoveDialog}. */
export interface MoveDialogProps {
  state: MoveState;
  entity: EntityInfo;
  /** Stage labels by id. */
  labels: ReadonlyMap<string, string>;
  onRetry(data: Record<string, unknown>): Promise<void>;
  onClose(): void;
}

/**
 * The modal that explains a refused move: the guard's explanation tree, a form generated for
 * exactly the missing fields (RecordForm subset mode with the schema of the 422) that retries
 * the move on submit, or the server's message.
 *
 * @example
 * ```tsx
 * <MoveDialog state={move.state} entity={deal} labels={labels} onRetry={move.retry} onClose={move.close} />
 * ```
 */
export function MoveDialog({ state, entity, labels, onRetry, onClose }: MoveDialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const open = state !== null && state.phase !== 'pending';
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const deal = state ? recordTitle(entity, state.deal.data, state.deal.id) : '';
  const stage = state ? (labels.get(state.to) ?? state.to) : '';
  const fields = state?.phase === 'requirements' ? (state.problem.fields ?? []) : [];
  const initialData = state ? Object.fromEntries(fields.filter((f) => state.deal.data[f] !== undefined).map((f) => [f, state.deal.data[f]])) : {};

  return (
    <dialog ref={ref} className="move-dialog" aria-labelledby="move-dialog-title" onClose={onClose} data-testid="move-dialog">
      {open && state && (
        <>
          {state.phase === 'blocked' && (
            <>
              <h2 id="move-dialog-title">{t('board.blockedTitle', { deal, stage })}</h2>
              <p role="alert" className="form-alert">{state.problem.detail}</p>
              {state.problem.explanation && (
                <>
                  <h3>{t('board.whyBlocked')}</h3>
                  <ul className="explain-tree" data-testid="guard-explanation">
                    <ExplainTree node={state.problem.explanation} />
                  </ul>
                </>
              )}
            </>
          )}
          {state.phase === 'requirements' && state.problem.schema && (
            // title and form appear together, once the form's code is in
            <Suspense fallback={<p role="status">{t('status.loading')}</p>}>
              <h2 id="move-dialog-title">{t('board.requirementsTitle', { deal, stage })}</h2>
              <RecordForm key={`${state.deal.id}:${state.to}`} entity={entity} schema={requirementFormSchema(entity, state.problem.schema)} initialData={initialData} submitLabel={t('board.saveAndMove')} onSubmit={onRetry} onCancel={onClose} />
            </Suspense>
          )}
          {state.phase === 'error' && (
            <>
              <h2 id="move-dialog-title">{t('board.blockedTitle', { deal, stage })}</h2>
              <p role="alert" className="form-alert">{state.stale ? t('board.stale', { deal }) : state.tooCostly ? t('board.guardTooCostly') : moveErrorText(t, state.code, stage)}</p>
            </>
          )}
          {state.phase !== 'requirements' && (
            <div className="form-actions">
              <button type="button" className="primary" onClick={onClose} autoFocus>{t('board.close')}</button>
            </div>
          )}
        </>
      )}
    </dialog>
  );
}
