import { useTranslation } from 'react-i18next';
import type { ProcessDiff, SimulationReport } from '../../api/processes';

function IdList({ title, ids }: { title: string; ids: readonly string[] }) {
  if (ids.length === 0) return null;
  return (
    <div>
      <h3>{title}</h3>
      <ul>{ids.map((id) => <li key={id}><code>{id}</code></li>)}</ul>
    </div>
  );
}

/**
 * The draft compared with the latest published version: settings, stages and transitions
 * added, removed or changed (member by member), and changed rules.
 *
 * @example
 * ```tsx
 * <DiffPanel diff={diff} version={3} />
 * ```
 */
export function DiffPanel({ diff, version }: { diff: ProcessDiff; version: number }) {
  const { t } = useTranslation();
  const changed = (list: { id: string; changes: { member: string }[] }[]) => list.map((c) => `${c.id} (${c.changes.map((m) => m.member).join(', ')})`);
  return (
    <section className="panel diff-panel" aria-labelledby="diff-title" data-testid="diff-panel">
      <h2 id="diff-title">{t('designer.diff.title', { version })}</h2>
      {!diff.changed && <p>{diff.layoutChanged ? t('designer.diff.onlyLayout') : t('designer.diff.none')}</p>}
      <div className="diff-grid">
        <IdList title={t('designer.diff.settings')} ids={diff.settings.map((s) => s.member)} />
        <IdList title={t('designer.diff.stagesAdded')} ids={diff.stages.added} />
        <IdList title={t('designer.diff.stagesRemoved')} ids={diff.stages.removed} />
        <IdList title={t('designer.diff.stagesChanged')} ids={changed(diff.stages.changed)} />
        <IdList title={t('designer.diff.transitionsAdded')} ids={diff.transitions.added} />
        <IdList title={t('designer.diff.transitionsRemoved')} ids={diff.transitions.removed} />
        <IdList title={t('designer.diff.transitionsChanged')} ids={changed(diff.transitions.changed)} />
        <IdList title={t('designer.diff.rules')} ids={diff.rules.map((r) => `${t(`designer.diff.ruleKinds.${r.kind}`)} ${r.id}: ${t(`designer.diff.changeKinds.${r.change}`)}`)} />
      </div>
    </section>
  );
}

/**
 * The result of a backtest: how many recorded transitions the draft would have blocked, and why.
 *
 * @example
 * ```tsx
 * <BacktestPanel report={report} />
 * ```
 */
export function BacktestPanel({ report }: { report: SimulationReport }) {
  const { t, i18n } = useTranslation();
  const n = (x: number) => new Intl.NumberFormat(i18n.language).format(x);
  return (
    <section className="panel" aria-labelledby="backtest-title" data-testid="backtest-panel">
      <h2 id="backtest-title">{t('designer.backtest.title')}</h2>
      <p role="status">
        {t('designer.backtest.summary', { blocked: n(report.blocked), transitions: n(report.transitions), blockedRecords: n(report.blockedRecords), records: n(report.records) })}
        <span className="muted"> {t('designer.backtest.duration', { ms: report.durationMs })}</span>
      </p>
      {report.reasons.length === 0 ? (
        <p>{t('designer.backtest.none')}</p>
      ) : (
        <table className="records">
          <thead>
            <tr><th>{t('designer.backtest.kind')}</th><th>{t('designer.backtest.where')}</th><th>{t('designer.backtest.detail')}</th><th>{t('designer.backtest.count')}</th></tr>
          </thead>
          <tbody>
            {report.reasons.slice(0, 50).map((r) => (
              <tr key={`${r.kind}|${r.id}|${r.detail}`}>
                <td>{t(`designer.backtest.kinds.${r.kind}`)}</td>
                <td><code>{r.id}</code></td>
                <td>{r.detail}</td>
                <td className="num">{n(r.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
