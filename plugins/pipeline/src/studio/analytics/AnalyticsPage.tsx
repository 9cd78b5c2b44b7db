import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import type { ChartText } from './chart-options';
import { funnelModel, funnelRequest, readQuery, timeInStageModel, writeQuery, type AnalyticsQuery, type FunnelAnswer, type ProcessStage, type StageTime, type StuckRecord } from './model';
import { analyticsSections } from './sections';
import { loadHook } from './use-load';

/** Dimensions the page offers to split the funnel by (metric dimensions of deals). */
export const SPLITS = ['office', 'team', 'owner', 'product', 'source'] as const;
/** Stuck records listed at most (longest in their stage first). */
export const STUCK_LIMIT = 100;

interface ProcessSummary {
  id: string;
  entity: string;
  /** A string, or the label by language (ADR 019). */
  label: string | Record<string, string>;
  latestVersion: number | null;
}

/**
 * A process label in the reader's language: the string itself, else the language's entry, its
 * base language's, English, or the first given.
 *
 * @example
 * ```ts
 * labelIn({ en: 'Leads', 'zh-CN': '线索' }, 'zh-CN'); // '线索'
 * ```
 */
export function labelIn(label: ProcessSummary['label'], language: string): string {
  if (typeof label === 'string') return label;
  return label[language] ?? label[language.split('-')[0] ?? ''] ?? label.en ?? Object.values(label)[0] ?? '';
}

/**
 * The pipeline analytics page (`/p/pipeline/analytics`): for a process (default `new_business`),
 * a period of entry into it and an optional split, the conversion by stage (records entered,
 * won / entered, won / closed), time in stage and the stuck records, each linking to its record
 * page. Everything comes from the API, which counts only what the reader may see.
 *
 * @example
 * ```ts
 * pages: [{ path: 'analytics', component: analyticsPage(host) }]
 * ```
 */
export function analyticsPage(host: StudioHost) {
  const { React, api, useT, useLanguage, useEntities } = host;
  const useLoad = loadHook(React);
  const { FunnelSection, TimeSection, StuckSection } = analyticsSections(host);

  return function PipelineAnalyticsPage() {
    const t = useT();
    const language = useLanguage();
    const { byId } = useEntities();
    const [query, setQuery] = React.useState<AnalyticsQuery>(() => readQuery(window.location.search));
    React.useEffect(() => {
      const search = writeQuery(query);
      if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
    }, [query]);
    const set = (patch: Partial<AnalyticsQuery>) => setQuery((q) => ({ ...q, ...patch }));

    const processes = useLoad('processes', (signal) => api.request<{ items: ProcessSummary[] }>('GET', '/api/processes', { signal }).then((r) => r.items.filter((p) => p.latestVersion !== null)));
    const listed = processes.state === 'ok' ? processes.data : [];
    const summary = listed.find((x) => x.id === query.process);
    const entityId = summary?.entity ?? 'pipeline.deal';
    const entity = byId.get(entityId);
    const processLabel = (x: ProcessSummary) => {
      const key = `analytics.processName.${x.id}`;
      const label = t(key);
      return label === key ? labelIn(x.label, language) : label;
    };
    // the stages of the latest published version, in order (also when the funnel query fails)
    const versionPath = summary?.latestVersion ? `/api/processes/${encodeURIComponent(summary.id)}/versions/${summary.latestVersion}` : '';
    const version = useLoad(versionPath, (signal) => (versionPath ? api.request<{ definition: { stages: ProcessStage[] } }>('GET', versionPath, { signal }).then((r) => r.definition.stages) : Promise.resolve([])));

    const funnelBody = funnelRequest(query);
    const funnel = useLoad(JSON.stringify(funnelBody), (signal) => api.request<FunnelAnswer>('POST', '/api/metrics/funnel', { json: funnelBody, signal }));
    const p = encodeURIComponent(query.process);
    const times = useLoad(`time|${query.process}`, (signal) => api.request<{ stages: StageTime[] }>('GET', `/api/pipeline/time-in-stage?process=${p}`, { signal }));
    const stuck = useLoad(`stuck|${query.process}`, (signal) => api.request<{ items: StuckRecord[] }>('GET', `/api/pipeline/stuck?process=${p}&limit=${STUCK_LIMIT}`, { signal }));

    const processStages = version.state === 'ok' && version.data.length ? version.data : funnel.state === 'ok' ? funnel.data.stages : [];
    const text: ChartText = {
      stage: (id) => entity?.stageLabels?.[id] ?? processStages.find((s) => s.id === id)?.label ?? id,
      group: (key) => (key === null || key === '' ? t('analytics.none') : (entity?.fields.find((f) => f.name === query.split)?.enumLabels?.[key] ?? key)),
      entered: t('analytics.entered'),
      wonPerEntered: t('analytics.wonPerEntered'),
      wonPerClosed: t('analytics.wonPerClosed'),
      median: t('analytics.median'),
      p90: t('analytics.p90'),
    };
    const funnelView = React.useMemo(() => (funnel.state === 'ok' ? { state: 'ok' as const, data: funnelModel(funnel.data, query.split || null) } : funnel), [funnel, query.split]);
    const timeView = times.state === 'ok' ? { state: 'ok' as const, data: timeInStageModel(processStages, times.data.stages) } : times;
    const stuckView = stuck.state === 'ok' ? { state: 'ok' as const, data: stuck.data.items } : stuck;
    const splitLabel = query.split ? t(`analytics.dim.${query.split}`) : '';

    return (
      <div className="pipeline-analytics" data-testid="pipeline-analytics">
        <div className="page-head">
          <h1>{t('analytics.title')}</h1>
        </div>
        <form className="panel" onSubmit={(e) => e.preventDefault()} aria-label={t('analytics.filters')}>
          <div className="filter-form">
            <label>
              {t('analytics.process')}{' '}
              <select value={query.process} onChange={(e) => set({ process: e.target.value })}>
                {!listed.some((x) => x.id === query.process) && <option value={query.process}>{query.process}</option>}
                {listed.map((x) => (
                  <option key={x.id} value={x.id}>
                    {processLabel(x)}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              {t('analytics.from')} <input type="date" value={query.from} onChange={(e) => set({ from: e.target.value })} />
            </label>{' '}
            <label>
              {t('analytics.to')} <input type="date" value={query.to} onChange={(e) => set({ to: e.target.value })} />
            </label>{' '}
            <label>
              {t('analytics.split')}{' '}
              <select value={query.split} onChange={(e) => set({ split: e.target.value })}>
                <option value="">{t('analytics.noSplit')}</option>
                {SPLITS.map((d) => (
                  <option key={d} value={d}>
                    {t(`analytics.dim.${d}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p className="muted">{t('analytics.periodHelp')}</p>
        </form>
        <FunnelSection load={funnelView} text={text} split={query.split} splitLabel={splitLabel} t={t} language={language} />
        <TimeSection load={timeView} text={text} t={t} language={language} />
        <StuckSection load={stuckView} entity={entityId} limit={STUCK_LIMIT} text={text} t={t} language={language} />
      </div>
    );
  };
}
