import type { ReactNode } from 'react';
import type { StudioHost } from '@pipewright/studio/plugin-api';
import { funnelChartOption, timeChartOption, type ChartText } from './chart-options';
import { formatCount, formatDate, formatDays, formatRate, overall, type FunnelModel, type ProblemText, type StageTime, type StuckRecord } from './model';
import type { Load } from './use-load';

type T = (key: string, values?: Record<string, unknown>) => string;

/**
 * The three sections of the pipeline analytics page (conversion, time in stage, stuck records),
 * made with the host's UI kit; each shows its loading, empty and failed state.
 *
 * @example
 * ```ts
 * const { FunnelSection, TimeSection, StuckSection } = analyticsSections(host);
 * ```
 */
export function analyticsSections({ React, ui }: StudioHost) {
  function Status<D>({ load, t, children }: { load: Load<D>; t: T; children: (data: D) => ReactNode }) {
    if (load.state === 'loading') return <p role="status" className="muted">{t('analytics.loading')}</p>;
    if (load.state === 'failed') return <Problem problem={load.problem} t={t} />;
    return <>{children(load.data)}</>;
  }

  function Problem({ problem, t }: { problem: ProblemText; t: T }) {
    return (
      <div className="form-alert" role="alert" data-testid="analytics-problem">
        <p>
          <strong>{t('analytics.failed')}</strong>
          {problem.status ? ` (${problem.status}${problem.title ? ` ${problem.title}` : ''})` : ''}
        </p>
        {problem.detail && <p>{problem.detail}</p>}
        {problem.errors.length > 0 && (
          <ul>
            {problem.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
      </div>
    );
  }

  const num = (value: number | null, text: string, extra: Record<string, string> = {}) => (
    <td className="num" data-value={value === null ? '' : String(value)} {...extra}>
      {text}
    </td>
  );

  function FunnelSection({ load, text, split, splitLabel, t, language }: { load: Load<FunnelModel>; text: ChartText; split: string; splitLabel: string; t: T; language: string }) {
    return (
      <ui.Panel title={t('analytics.funnel.title')} testId="analytics-funnel">
        <p className="muted">{t('analytics.funnel.help')}</p>
        <Status load={load} t={t}>
          {(model) => {
            const all = overall(model);
            if (!all) return <p className="empty">{t('analytics.funnel.empty')}</p>;
            return (
              <>
                <dl className="fields analytics-summary" data-testid="analytics-overall">
                  <div className="field-row">
                    <dt>{t('analytics.dealsEntered')}</dt>
                    <dd data-testid="overall-entered" data-value={all.entered}>{formatCount(all.entered, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('analytics.wonPerEntered')}</dt>
                    <dd data-testid="overall-won-per-entered" data-value={all.wonPerEntered ?? ''}>{formatRate(all.wonPerEntered, language)}</dd>
                  </div>
                  <div className="field-row">
                    <dt>{t('analytics.wonPerClosed')}</dt>
                    <dd data-testid="overall-won-per-closed" data-value={all.wonPerClosed ?? ''}>{formatRate(all.wonPerClosed, language)}</dd>
                  </div>
                </dl>
                <ui.Chart option={funnelChartOption(model, text, language, split !== '')} label={t('analytics.funnel.title')} testId="analytics-funnel-chart" />
                <div className="table-wrap">
                  <table className="records" data-testid="analytics-funnel-table">
                    <thead>
                      <tr>
                        {split && <th>{splitLabel}</th>}
                        <th>{t('analytics.stage')}</th>
                        <th className="num">{t('analytics.entered')}</th>
                        <th className="num">{t('analytics.won')}</th>
                        <th className="num">{t('analytics.lost')}</th>
                        <th className="num">{t('analytics.wonPerEntered')}</th>
                        <th className="num">{t('analytics.wonPerClosed')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {(split ? model.groups : [{ key: 'all', stages: model.total }]).flatMap((g) =>
                        g.stages.map((s) => (
                          <tr key={`${g.key ?? ''}|${s.stage}`} data-stage={s.stage} {...(split ? { 'data-group': g.key ?? '' } : {})}>
                            {split && <td data-label={splitLabel}>{text.group(g.key)}</td>}
                            <td data-label={t('analytics.stage')}>{text.stage(s.stage)}</td>
                            {num(s.entered, formatCount(s.entered, language), { 'data-col': 'entered', 'data-label': t('analytics.entered') })}
                            {num(s.won, formatCount(s.won, language), { 'data-col': 'won', 'data-label': t('analytics.won') })}
                            {num(s.lost, formatCount(s.lost, language), { 'data-col': 'lost', 'data-label': t('analytics.lost') })}
                            {num(s.wonPerEntered, formatRate(s.wonPerEntered, language), { 'data-col': 'won_per_entered', 'data-label': t('analytics.wonPerEntered') })}
                            {num(s.wonPerClosed, formatRate(s.wonPerClosed, language), { 'data-col': 'won_per_closed', 'data-label': t('analytics.wonPerClosed') })}
                          </tr>
                        )),
                      )}
                    </tbody>
                  </table>
                </div>
              </>
            );
          }}
        </Status>
      </ui.Panel>
    );
  }

  function TimeSection({ load, text, t, language }: { load: Load<StageTime[]>; text: ChartText; t: T; language: string }) {
    return (
      <ui.Panel title={t('analytics.time.title')} testId="analytics-time">
        <p className="muted">{t('analytics.time.help')}</p>
        <Status load={load} t={t}>
          {(stages) =>
            stages.length === 0 ? (
              <p className="empty">{t('analytics.time.empty')}</p>
            ) : (
              <>
                {stages.some((s) => s.finished > 0) && <ui.Chart option={timeChartOption(stages, text, language)} label={t('analytics.time.title')} testId="analytics-time-chart" />}
                <div className="table-wrap">
                  <table className="records" data-testid="analytics-time-table">
                    <thead>
                      <tr>
                        <th>{t('analytics.stage')}</th>
                        <th className="num">{t('analytics.finished')}</th>
                        <th className="num">{t('analytics.median')}</th>
                        <th className="num">{t('analytics.p75')}</th>
                        <th className="num">{t('analytics.p90')}</th>
                        <th className="num">{t('analytics.mean')}</th>
                        <th className="num">{t('analytics.current')}</th>
                        <th className="num">{t('analytics.currentMean')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {stages.map((s) => (
                        <tr key={s.stage} data-stage={s.stage}>
                          <td data-label={t('analytics.stage')}>{text.stage(s.stage)}</td>
                          {num(s.finished, formatCount(s.finished, language), { 'data-col': 'finished', 'data-label': t('analytics.finished') })}
                          {num(s.medianDays, formatDays(s.medianDays, language), { 'data-col': 'median', 'data-label': t('analytics.median') })}
                          {num(s.p75Days, formatDays(s.p75Days, language), { 'data-col': 'p75', 'data-label': t('analytics.p75') })}
                          {num(s.p90Days, formatDays(s.p90Days, language), { 'data-col': 'p90', 'data-label': t('analytics.p90') })}
                          {num(s.meanDays, formatDays(s.meanDays, language), { 'data-col': 'mean', 'data-label': t('analytics.mean') })}
                          {num(s.current, formatCount(s.current, language), { 'data-col': 'current', 'data-label': t('analytics.current') })}
                          {num(s.currentMeanDays, formatDays(s.currentMeanDays, language), { 'data-col': 'current_mean', 'data-label': t('analytics.currentMean') })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )
          }
        </Status>
      </ui.Panel>
    );
  }

  function StuckSection({ load, entity, limit, text, t, language }: { load: Load<StuckRecord[]>; entity: string; limit: number; text: ChartText; t: T; language: string }) {
    return (
      <ui.Panel title={t('analytics.stuck.title')} testId="analytics-stuck">
        <p className="muted">{t('analytics.stuck.help')}</p>
        <Status load={load} t={t}>
          {(items) =>
            items.length === 0 ? (
              <p className="empty">{t('analytics.stuck.empty')}</p>
            ) : (
              <>
                {items.length >= limit && <p className="muted">{t('analytics.stuck.limited', { n: formatCount(limit, language) })}</p>}
                <div className="table-wrap">
                  <table className="records" data-testid="analytics-stuck-table">
                    <thead>
                      <tr>
                        <th>{t('analytics.stuck.deal')}</th>
                        <th>{t('analytics.stage')}</th>
                        <th>{t('analytics.stuck.entered')}</th>
                        <th className="num">{t('analytics.stuck.days')}</th>
                        <th>{t('analytics.stuck.reason')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((r) => (
                        <tr key={r.record} data-record={r.record}>
                          <td data-label={t('analytics.stuck.deal')}>
                            <ui.Link href={`/records/${entity}/${r.record}`}>{r.name ?? r.record.slice(0, 8)}</ui.Link>
                          </td>
                          <td data-label={t('analytics.stage')}>{text.stage(r.stage)}</td>
                          <td data-label={t('analytics.stuck.entered')}>{formatDate(r.enteredAt, language)}</td>
                          {num(r.days, formatDays(r.days, language), { 'data-col': 'days', 'data-label': t('analytics.stuck.days') })}
                          <td data-label={t('analytics.stuck.reason')}>{r.reasons.map((x) => (x === 'p75' ? t('analytics.reason.p75', { days: formatDays(r.p75Days, language) }) : t(`analytics.reason.${x}`))).join(' · ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )
          }
        </Status>
      </ui.Panel>
    );
  }

  return { FunnelSection, TimeSection, StuckSection };
}
