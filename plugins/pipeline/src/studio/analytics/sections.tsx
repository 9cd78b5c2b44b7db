import type { ReactNode } from 'react';
import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { funnelChartOption, timeChartOption, type ChartText } from './chart-options';
import { formatCount, formatDate, formatDays, formatRate, overall, type FunnelModel, type ProblemText, type StageConversion, type StageTime, type StuckRecord } from './model';
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

  /** A numeric column of a table: its `data-col`, header (also each cell's `data-label`), value and text. */
  interface NumColumn<R> {
    col: string;
    label: string;
    value: (row: R) => number | null;
    format: (value: number | null) => string;
  }
  const numHeads = <R,>(columns: readonly NumColumn<R>[]) =>
    columns.map((c) => (
      <th key={c.col} className="num">
        {c.label}
      </th>
    ));
  const num = (value: number | null, text: string, extra: Record<string, string> = {}, key?: string) => (
    <td key={key} className="num" data-value={value === null ? '' : String(value)} {...extra}>
      {text}
    </td>
  );
  const numCells = <R,>(row: R, columns: readonly NumColumn<R>[]) =>
    columns.map((c) => {
      const value = c.value(row);
      return num(value, c.format(value), { 'data-col': c.col, 'data-label': c.label }, c.col);
    });
  const counts = (language: string) => (v: number | null) => formatCount(v ?? 0, language);

  function FunnelSection({ load, text, split, splitLabel, t, language }: { load: Load<FunnelModel>; text: ChartText; split: string; splitLabel: string; t: T; language: string }) {
    return (
      <ui.Panel title={t('analytics.funnel.title')} testId="analytics-funnel">
        <p className="muted">{t('analytics.funnel.help')}</p>
        <Status load={load} t={t}>
          {(model) => {
            const all = overall(model);
            if (!all) return <p className="empty">{t('analytics.funnel.empty')}</p>;
            const rates = (v: number | null) => formatRate(v, language);
            const columns: NumColumn<StageConversion>[] = [
              { col: 'entered', label: t('analytics.entered'), value: (s) => s.entered, format: counts(language) },
              { col: 'won', label: t('analytics.won'), value: (s) => s.won, format: counts(language) },
              { col: 'lost', label: t('analytics.lost'), value: (s) => s.lost, format: counts(language) },
              { col: 'won_per_entered', label: t('analytics.wonPerEntered'), value: (s) => s.wonPerEntered, format: rates },
              { col: 'won_per_closed', label: t('analytics.wonPerClosed'), value: (s) => s.wonPerClosed, format: rates },
            ];
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
                        {numHeads(columns)}
                      </tr>
                    </thead>
                    <tbody>
                      {(split ? model.groups : [{ key: 'all', stages: model.total }]).flatMap((g) =>
                        g.stages.map((s) => (
                          <tr key={`${g.key ?? ''}|${s.stage}`} data-stage={s.stage} {...(split ? { 'data-group': g.key ?? '' } : {})}>
                            {split && <td data-label={splitLabel}>{text.group(g.key)}</td>}
                            <td data-label={t('analytics.stage')}>{text.stage(s.stage)}</td>
                            {numCells(s, columns)}
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

  const timeColumns = (t: T, language: string): NumColumn<StageTime>[] => {
    const days = (v: number | null) => formatDays(v, language);
    return [
      { col: 'finished', label: t('analytics.finished'), value: (s) => s.finished, format: counts(language) },
      { col: 'median', label: t('analytics.median'), value: (s) => s.medianDays, format: days },
      { col: 'p75', label: t('analytics.p75'), value: (s) => s.p75Days, format: days },
      { col: 'p90', label: t('analytics.p90'), value: (s) => s.p90Days, format: days },
      { col: 'mean', label: t('analytics.mean'), value: (s) => s.meanDays, format: days },
      { col: 'current', label: t('analytics.current'), value: (s) => s.current, format: counts(language) },
      { col: 'current_mean', label: t('analytics.currentMean'), value: (s) => s.currentMeanDays, format: days },
    ];
  };

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
                        {numHeads(timeColumns(t, language))}
                      </tr>
                    </thead>
                    <tbody>
                      {stages.map((s) => (
                        <tr key={s.stage} data-stage={s.stage}>
                          <td data-label={t('analytics.stage')}>{text.stage(s.stage)}</td>
                          {numCells(s, timeColumns(t, language))}
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
