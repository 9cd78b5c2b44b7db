import type { RecordPanelProps, StudioHost } from '@pipewright/plugin-sdk/studio';
import { LOGGED_EVENT } from './AccountOverview';

export const KINDS = ['call', 'visit', 'note', 'task'] as const;
export type QuickKind = (typeof KINDS)[number];

/**
 * The body of the activity a quick log writes from an account or a deal page: linked to the
 * account (the record, or the deal's account) and the deal; a call, visit or note happened now
 * (done), a task is open with its due date.
 *
 * @example
 * ```ts
 * quickActivity('visit', { type: 'crm.account', id, data: {} }, { subject: 'Visit', notes: '', due: '' }, new Date());
 * ```
 */
export function quickActivity(kind: QuickKind, record: { type: string; id: string; data: Record<string, unknown> }, form: { subject: string; notes: string; due: string }, now: Date): Record<string, unknown> {
  const body: Record<string, unknown> = { kind, subject: form.subject.trim().slice(0, 200) };
  if (form.notes.trim()) body.description = form.notes.trim();
  if (record.type === 'crm.account') body.account_id = record.id;
  else {
    body.deal_id = record.id;
    if (typeof record.data.account_id === 'string') body.account_id = record.data.account_id;
  }
  if (kind === 'task') {
    body.done = false;
    if (form.due) body.due_date = form.due;
  } else {
    body.done = true;
    body.occurred_at = now.toISOString();
  }
  return body;
}

/**
 * "Log a call / visit / note / task", one click from an account or a deal: the button opens a
 * short form with the subject filled in; saving writes the activity and tells the page's panels
 * (timeline, 360°) to reload.
 */
export function quickLog({ React, api, useT }: StudioHost) {
  return function QuickLog({ entity, record }: RecordPanelProps) {
    const t = useT();
    const [kind, setKind] = React.useState<QuickKind | null>(null);
    const [form, setForm] = React.useState({ subject: '', notes: '', due: '' });
    const [busy, setBusy] = React.useState(false);
    const [message, setMessage] = React.useState<{ ok: boolean; text: string } | null>(null);
    const open = (k: QuickKind) => {
      setKind(k);
      setForm({ subject: t(`quicklog.default.${k}`), notes: '', due: '' });
      setMessage(null);
    };
    const save = async (e: { preventDefault(): void }) => {
      e.preventDefault();
      if (!kind || !form.subject.trim()) return;
      setBusy(true);
      try {
        await api.request('POST', '/api/records/crm.activity', { json: { data: quickActivity(kind, { type: entity.fullId, id: record.id, data: record.data }, form, new Date()) } });
        setMessage({ ok: true, text: t('quicklog.saved', { subject: form.subject.trim() }) });
        setKind(null);
        window.dispatchEvent(new Event(LOGGED_EVENT));
      } catch (err) {
        setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
      } finally {
        setBusy(false);
      }
    };
    const id = (n: string) => `quicklog-${record.id}-${n}`;
    return (
      <div className="panel" data-testid="quick-log" role="region" aria-label={t('quicklog.title')}>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem', alignItems: 'center' }}>
          <strong style={{ marginRight: '0.4rem' }}>{t('quicklog.title')}</strong>
          {KINDS.map((k) => (
            <button key={k} type="button" className={kind === k ? 'primary' : undefined} aria-pressed={kind === k} data-kind={k} onClick={() => open(k)}>
              {t(`quicklog.${k}`)}
            </button>
          ))}
        </div>
        {kind && (
          <form onSubmit={save} style={{ display: 'grid', gap: '0.5rem', marginTop: '0.75rem', maxWidth: '36rem' }} aria-label={t(`quicklog.${kind}`)}>
            <label htmlFor={id('subject')}>{t('quicklog.subject')}</label>
            <input id={id('subject')} name="subject" required maxLength={200} value={form.subject} onChange={(e) => setForm({ ...form, subject: e.target.value })} />
            {kind === 'task' && (
              <>
                <label htmlFor={id('due')}>{t('quicklog.due')}</label>
                <input id={id('due')} name="due" type="date" value={form.due} onChange={(e) => setForm({ ...form, due: e.target.value })} />
              </>
            )}
            <label htmlFor={id('notes')}>{t('quicklog.notes')}</label>
            <textarea id={id('notes')} name="notes" rows={3} maxLength={10000} value={form.notes} onChange={(e) => setForm({ ...form, notes: e.target.value })} />
            <div style={{ display: 'flex', gap: '0.5rem' }}>
              <button type="submit" className="primary" disabled={busy || !form.subject.trim()}>
                {t('quicklog.save')}
              </button>
              <button type="button" onClick={() => setKind(null)}>
                {t('quicklog.cancel')}
              </button>
            </div>
          </form>
        )}
        {message && (
          <p role="status" className={message.ok ? 'muted' : 'field-error'} style={{ marginBottom: 0 }}>
            {message.text}
          </p>
        )}
      </div>
    );
  };
}
