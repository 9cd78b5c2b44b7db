import { withText } from '@pipewright/core/i18n';
import { LANGUAGES } from '../i18n/setup';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { useEntities } from '../app/entities-context';
import { processApi, type ProcessDefinition } from '../api/processes';
import { ApiError } from '../api/problem';

/**
 * Creates a process from a starter (an open start stage, won and lost) and opens it in the
 * designer. For administrators.
 *
 * @example
 * ```tsx
 * {admin && <NewProcessForm />}
 * ```
 */
export function NewProcessForm() {
  const { t, i18n } = useTranslation();
  const uid = useId();
  const [, navigate] = useLocation();
  const { entities } = useEntities();
  const stageful = entities.filter((e) => e.stageful);
  const [id, setId] = useState('');
  const [label, setLabel] = useState('');
  const [entity, setEntity] = useState(stageful[0]?.fullId ?? '');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  if (stageful.length === 0) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // the starter's stage and transition names are the studio's own: in every language it ships
    const s = (k: 'start' | 'won' | 'lost' | 'win' | 'lose') => Object.fromEntries(LANGUAGES.map((l) => [l, i18n.getFixedT(l)(`processes.starter.${k}`)]));
    const def: ProcessDefinition = {
      id,
      label: withText(undefined, i18n.language, label || id),
      entity,
      initialStage: 'start',
      stages: [
        { id: 'start', label: s('start'), kind: 'open', probability: 0.1 },
        { id: 'won', label: s('won'), kind: 'won', probability: 1 },
        { id: 'lost', label: s('lost'), kind: 'lost', probability: 0 },
      ],
      transitions: [
        { id: 'win', label: s('win'), from: 'start', to: 'won' },
        { id: 'lose', label: s('lose'), from: '*', to: 'lost' },
      ],
    };
    setBusy(true);
    try {
      await processApi.create(def);
      navigate(`/processes/${id}`);
    } catch (err) {
      setErrors(err instanceof ApiError ? [err.problem.detail, ...(err.problem.errors ?? []).map((x) => `${x.pointer}: ${x.message}`)] : [String(err)]);
      setBusy(false);
    }
  };

  return (
    <details className="panel">
      <summary>{t('processes.newProcess')}</summary>
      <form className="new-process" onSubmit={(e) => void submit(e)}>
        {errors.length > 0 && <div role="alert" className="form-alert">{errors.map((m) => <p key={m}>{m}</p>)}</div>}
        <label htmlFor={`${uid}-id`}>{t('processes.newId')}</label>
        <input id={`${uid}-id`} required pattern="[a-z][a-z0-9_]{0,62}" value={id} onChange={(e) => setId(e.target.value)} aria-describedby={`${uid}-hint`} />
        <small id={`${uid}-hint`} className="muted">{t('processes.newIdHint')}</small>
        <label htmlFor={`${uid}-label`}>{t('processes.newLabel')}</label>
        <input id={`${uid}-label`} value={label} onChange={(e) => setLabel(e.target.value)} />
        <label htmlFor={`${uid}-entity`}>{t('processes.newEntity')}</label>
        <select id={`${uid}-entity`} value={entity} onChange={(e) => setEntity(e.target.value)}>
          {stageful.map((x) => <option key={x.fullId} value={x.fullId}>{x.label}</option>)}
        </select>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? t('status.working') : t('processes.create')}</button>
        </div>
      </form>
    </details>
  );
}
