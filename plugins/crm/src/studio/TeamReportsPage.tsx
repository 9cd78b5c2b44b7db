import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { localDay } from './field-visits';
import { questionLabel, zonedTime, type PeriodView, type ReportTemplateView, type ReportView } from './report-views';

interface Team {
  template: ReportTemplateView;
  period: PeriodView;
  members: { user: { id: string; name: string }; status: 'submitted' | 'late' | 'missing'; report: ReportView | null }[];
  rollup: { members: number; submitted: number; late: number; missing: number; figures: Record<string, number>; answers: Record<string, { user: string; text: string }[]> };
}

/**
 * The manager's reports page (`/p/crm/reports`, 日报/周报): pick a template and a day; who
 * submitted (on time, late, missing), each rep's figures and answers, a comment box per report,
 * and the rollup: counts, the team's figures and every answer by question.
 */
export function teamReportsPage({ React, api, useT, useLanguage }: StudioHost) {
  return function TeamReportsPage() {
    const t = useT();
    const language = useLanguage();
    const [templates, setTemplates] = React.useState<{ id: string; name: string }[] | null>(null);
    const [template, setTemplate] = React.useState('');
    const [day, setDay] = React.useState(() => localDay(new Date()));
    const [team, setTeam] = React.useState<Team | null>(null);
    const [error, setError] = React.useState<string | null>(null);
    const [drafts, setDrafts] = React.useState<Record<string, string>>({});
    const [sent, setSent] = React.useState<string | null>(null);
    const [reload, setReload] = React.useState(0);
    React.useEffect(() => {
      const ctrl = new AbortController();
      api
        .list('crm.report_template', { sort: 'name', limit: 100 }, ctrl.signal)
        .then((r) => {
          const list = r.items.map((x) => ({ id: x.id, name: String(x.data.name ?? x.id) }));
          setTemplates(list);
          setTemplate((cur) => cur || (list[0]?.id ?? ''));
        })
        .catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
      return () => ctrl.abort();
    }, []);
    React.useEffect(() => {
      if (!template || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
      const ctrl = new AbortController();
      setError(null);
      api
        .request<Team>('GET', `/api/plugins/crm/reports/team?template=${template}&date=${day}`, { signal: ctrl.signal })
        .then(setTeam)
        .catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
      return () => ctrl.abort();
    }, [template, day, reload]);
    const comment = async (reportId: string, name: string) => {
      const text = (drafts[reportId] ?? '').trim();
      if (!text) return;
      try {
        await api.request('POST', `/api/plugins/crm/reports/${reportId}/comments`, { json: { text } });
        setDrafts({ ...drafts, [reportId]: '' });
        setSent(name);
        setReload((n) => n + 1);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    };
    const tpl = team?.template;
    return (
      <div className="page" data-testid="team-reports">
        <h1>{t('reports.title')}</h1>
        {templates && templates.length === 0 && <p className="muted">{t('reports.none')}</p>}
        <p style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'center' }}>
          <label>
            {t('reports.template')}{' '}
            <select value={template} onChange={(e) => setTemplate(e.target.value)} data-testid="reports-template">
              {(templates ?? []).map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('reports.date')} <input type="date" value={day} max={localDay(new Date())} onChange={(e) => setDay(e.target.value)} data-testid="reports-date" />
          </label>
        </p>
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        {sent && (
          <p role="status" className="muted" data-testid="reports-sent">
            {t('reports.comment.sent', { name: sent })}
          </p>
        )}
        {!team && !error && templates && templates.length > 0 && <p className="muted">{t('reports.loading')}</p>}
        {team && tpl && (
          <>
            <p data-testid="reports-rollup">
              <strong>{t(`report.period.${tpl.period}`, { start: team.period.start, end: team.period.end })}</strong> · {t('report.deadline', { deadline: zonedTime(team.period.deadline, tpl.timeZone, language) })}
              <br />
              {t('reports.rollup', team.rollup)}
            </p>
            <table className="table" data-testid="reports-table">
              <thead>
                <tr>
                  <th>{t('reports.col.rep')}</th>
                  <th>{t('reports.col.status')}</th>
                  <th>{t('reports.col.at')}</th>
                  {tpl.figures.map((f) => (
                    <th key={f}>{t(`report.figure.${f}`)}</th>
                  ))}
                  <th>{t('reports.answers')}</th>
                  <th>{t('reports.comment')}</th>
                </tr>
              </thead>
              <tbody>
                {team.members.map((m) => (
                  <tr key={m.user.id} data-testid="reports-row" data-user={m.user.id}>
                    <td>{m.user.name}</td>
                    <td data-testid="reports-status" className={m.status === 'submitted' ? undefined : 'field-error'} style={{ whiteSpace: 'nowrap' }}>
                      {t(`reports.status.${m.status}`)}
                    </td>
                    <td>{m.report ? zonedTime(m.report.submittedAt, tpl.timeZone, language) : '—'}</td>
                    {tpl.figures.map((f) => (
                      <td key={f} data-figure={f}>
                        {m.report ? (m.report.figures[f] ?? 0) : '—'}
                      </td>
                    ))}
                    <td>
                      {m.report
                        ? tpl.questions
                            .filter((q) => m.report?.answers[q.key])
                            .map((q) => (
                              <div key={q.key}>
                                <span className="muted">{questionLabel(q, language)}</span> {m.report?.answers[q.key]}
                              </div>
                            ))
                        : null}
                      {m.report?.comments.map((c, i) => (
                        <div key={i} className="muted">
                          {t('reports.comment')} · {c.by_name ?? c.by}: {c.text}
                        </div>
                      ))}
                    </td>
                    <td>
                      {m.report && (
                        <span style={{ display: 'flex', gap: '0.3rem' }}>
                          <input aria-label={`${t('reports.comment')} ${m.user.name}`} value={drafts[m.report.id] ?? ''} maxLength={2000} onChange={(e) => setDrafts({ ...drafts, [m.report?.id ?? '']: e.target.value })} />
                          <button type="button" onClick={() => void comment(m.report?.id ?? '', m.user.name)}>
                            {t('reports.comment.send')}
                          </button>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
                <tr data-testid="reports-total">
                  <td colSpan={3}>
                    <strong>{t('reports.total')}</strong>
                  </td>
                  {tpl.figures.map((f) => (
                    <td key={f} data-figure={f}>
                      <strong>{team.rollup.figures[f] ?? 0}</strong>
                    </td>
                  ))}
                  <td colSpan={2} />
                </tr>
              </tbody>
            </table>
          </>
        )}
      </div>
    );
  };
}
