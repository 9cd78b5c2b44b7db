import type { RecordPanelProps, StudioHost } from '@pipewright/plugin-sdk/studio';
import { problemMessage } from './model';
import { reasonFields } from './ReasonFields';

/** What `GET /api/plugins/handoff/handoffs/:id/answers` says the reader may do now. */
interface Answers { id: string; stage: string | null; accept: boolean; reject: boolean }

/**
 * The answer panel on a handoff's page: Accept and Reject (with a reason) only when the server
 * says the reader may give them (its receiver, his manager, an admin, while it is sent); to
 * everybody else a pending handoff says it waits for its receiver. The generic stage menu does
 * not offer the answers (the kinds' processes leave accept and reject to admins; the others
 * answer through the plugin's routes, as here and in the inbox).
 *
 * @example
 * ```ts
 * recordPanels: [{ id: 'answer', entities: ['handoff.handoff'], component: answerPanel(host) }]
 * ```
 */
export function answerPanel(host: StudioHost) {
  const { React, api, ui, useT } = host;
  const Reason = reasonFields(host);
  return function HandoffAnswerPanel({ record, onChanged }: RecordPanelProps) {
    const t = useT();
    const [answers, setAnswers] = React.useState<Answers | null>(null);
    const [rejecting, setRejecting] = React.useState(false);
    const [reason, setReason] = React.useState('');
    const [busy, setBusy] = React.useState(false);
    const [error, setError] = React.useState<string | null>(null);

    React.useEffect(() => {
      let live = true;
      api.request<Answers>('GET', `/api/plugins/handoff/handoffs/${encodeURIComponent(record.id)}/answers`).then((a) => live && setAnswers(a), (err: unknown) => live && setError(problemMessage(err)));
      return () => {
        live = false;
      };
    }, [record.id, record.version]);

    if (record.stage !== 'sent') return null;
    const send = async (path: 'accept' | 'reject') => {
      setBusy(true);
      setError(null);
      try {
        await api.request('POST', `/api/plugins/handoff/handoffs/${encodeURIComponent(record.id)}/${path}`, { json: path === 'reject' ? { reason: reason.trim() } : {} });
        onChanged(await api.get(record.type, record.id));
      } catch (err) {
        setError(problemMessage(err));
      } finally {
        setBusy(false);
      }
    };
    return (
      <ui.Panel title={t('answer.title')} testId="handoff-answer">
        {error && <p role="alert" className="field-error">{error}</p>}
        {answers && !answers.accept && !answers.reject && <p className="muted" data-testid="handoff-answer-waiting">{t('answer.waiting')}</p>}
        {answers && (answers.accept || answers.reject) && !rejecting && (
          <span style={{ display: 'inline-flex', gap: '0.4rem' }}>
            {answers.accept && <button type="button" className="primary" disabled={busy} onClick={() => void send('accept')}>{t('inbox.accept')}</button>}
            {answers.reject && <button type="button" disabled={busy} onClick={() => setRejecting(true)}>{t('inbox.reject')}</button>}
          </span>
        )}
        {rejecting && (
          <form onSubmit={(e) => { e.preventDefault(); void send('reject'); }}>
            <Reason reason={reason} onReason={setReason} busy={busy} onCancel={() => setRejecting(false)} testId="handoff-reject-reason" />
          </form>
        )}
      </ui.Panel>
    );
  };
}
