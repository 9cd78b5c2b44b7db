import type { StudioHost } from '@pipewright/plugin-sdk/studio';

/** What the reason fields of a rejection form take. */
export interface ReasonFieldsProps {
  reason: string;
  onReason(value: string): void;
  busy: boolean;
  onCancel(): void;
  /** `data-testid` of the reason input. */
  testId: string;
}

/**
 * The inside of a "reject with a reason" form (the inbox's and the handoff page's): the reason,
 * "Reject and return" (only with a reason) and "Cancel". The caller's `<form>` submits it.
 *
 * @example
 * ```tsx
 * <form onSubmit={send}><Reason reason={r} onReason={setR} busy={busy} onCancel={close} testId="handoff-reject-reason" /></form>
 * ```
 */
export function reasonFields(host: StudioHost) {
  const { useT } = host;
  return function ReasonFields({ reason, onReason, busy, onCancel, testId }: ReasonFieldsProps) {
    const t = useT();
    return (
      <>
        <label>
          {t('inbox.rejectReason')} <input value={reason} required onChange={(e) => onReason(e.target.value)} data-testid={testId} />
        </label>{' '}
        <button type="submit" disabled={busy || reason.trim() === ''}>{t('inbox.rejectConfirm')}</button>{' '}
        <button type="button" onClick={onCancel}>{t('inbox.cancel')}</button>
      </>
    );
  };
}
