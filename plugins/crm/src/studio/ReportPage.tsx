import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { questionLabel, zonedTime, type PeriodView, type ReportTemplateView, type ReportView } from './report-views';

interface Current {
  template: ReportTemplateView;
  period: PeriodView;
  figures: Record<string, number>;
  report: ReportView | null;
}

/**
 * The rep's daily or weekly report (`/p/crm/report`, 日报/周报): the figures counted from his
 * activity, the template's questions, the deadline in the team's time zone; submit (or update),
 * and read the manager's comments.
 */
export function reportPage({ React, api, useT, useLanguage }: StudioHost) {
  return function ReportPage() {
    const t = useT();
    const language = useLanguage();
    const [current, setCurrent] = React.useState<Current | null>(null);
    const [answers, setAnswers] = React.useState<Record<string, string>>({});
    const [error, setError] = React.useState<string | null>(null);
    const [saved, setSaved] = React.useState(false);
    const [busy, setBusy] = React.useState(false);
    const load = React.useCallback((signal?: AbortSignal) => {
      api
        .request<Current>('GET', '/api/plugins/crm/reports/current', signal ? { signal } : {})
        .then((c) => {
          setCurrent(c);
          setAnswers(c.report?.answers ?? {});
        })
        .catch((err: unknown) => !signal?.aborted && setError(err instanceof Error ? err.message : String(err)));
    }, []);
    React.useEffect(() => {
      const ctrl = new AbortController();
      load(ctrl.signal);
      return () => ctrl.abort();
    }, []);
    const submit = async (e: { preventDefault(): void }) => {
      e.preventDefault();
      if (!current) return;
      setBusy(true);
      setError(null);
      setSaved(false);
      try {
        await api.request('POST', '/api/plugins/crm/reports/submit', { json: { template_id: current.template.id, answers } });
        setSaved(true);
        load();
      } catch (err) {
        const problem = (err as { problem?: { code?: string; errors?: { pointer?: string }[] } }).problem;
        if (problem?.code === 'crm.report-answers') {
          const keys = (problem.errors ?? []).map((x) => String(x.pointer ?? '').replace('/answers/', ''));
          const labels = current.template.questions.filter((q) => keys.includes(q.key)).map((q) => questionLabel(q, language));
          setError(t('report.problem.answers', { fields: labels.join(language === 'zh-CN' ? '、' : ', ') }));
        } else setError(err instanceof Error ? err.message : String(err));
      } finally {
        setBusy(false);
      }
    };
    if (!current) {
      return (
        <div className="page" data-testid="report-page">
          <h1>{t('report.title')}</h1>
          {error ? <p role="alert" className="field-error">{error}</p> : <p className="muted">{t('report.loading')}</p>}
        </div>
      );
    }
    const { template, period, figures, report } = current;
    const tz = template.timeZone;
    return (
      <div className="page" data-testid="report-page" style={{ maxWidth: '40rem' }}>
        <h1>{t('report.title')}</h1>
        <p>
          <strong data-testid="report-period">{t(`report.period.${template.period}`, { start: period.start, end: period.end })}</strong> · {template.name}
          <br />
          <span className="muted" data-testid="report-deadline">{t('report.deadline', { deadline: zonedTime(period.deadline, tz, language) })}</span>
        </p>
        <h2 style={{ fontSize: '1.05rem' }}>{t('report.figures')}</h2>
        <dl className="field-list" data-testid="report-figures">
          {template.figures.map((f) => (
            <div className="field-row" key={f}>
              <dt>{t(`report.figure.${f}`)}</dt>
              <dd data-figure={f}>{figures[f] ?? 0}</dd>
            </div>
          ))}
        </dl>
        <form onSubmit={submit} style={{ display: 'grid', gap: '0.5rem' }}>
          {template.questions.map((q) => (
            <React.Fragment key={q.key}>
              <label htmlFor={`report-${q.key}`}>
                {questionLabel(q, language)}
                {q.required ? <span className="muted"> ({t('report.required')})</span> : null}
              </label>
              <textarea id={`report-${q.key}`} rows={3} maxLength={5000} value={answers[q.key] ?? ''} onChange={(e) => setAnswers({ ...answers, [q.key]: e.target.value })} />
            </React.Fragment>
          ))}
          <div>
            <button type="submit" className="primary" disabled={busy}>
              {report ? t('report.resubmit') : t('report.submit')}
            </button>
          </div>
        </form>
        {report && (
          <p role="status" data-testid="report-status" className={report.late ? 'field-error' : 'muted'}>
            {t(report.late ? 'report.submitted.late' : 'report.submitted', { at: zonedTime(report.submittedAt, tz, language) })} {saved ? t('report.saved') : ''}
          </p>
        )}
        {error && (
          <p role="alert" className="field-error" data-testid="report-error">
            {error}
          </p>
        )}
        {report && report.comments.length > 0 && (
          <section data-testid="report-comments">
            <h2 style={{ fontSize: '1.05rem' }}>{t('report.comments')}</h2>
            <ul>
              {report.comments.map((c, i) => (
                <li key={i}>
                  <strong>{c.by_name ?? c.by}</strong> <span className="muted">{zonedTime(c.at, tz, language)}</span>: {c.text}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    );
  };
}
