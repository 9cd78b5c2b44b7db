import type { MetricRow, TimeGrain } from '@pipewright/core/dashboards';
import { TIME_GRAINS } from '@pipewright/core/dashboards';
import type { TFunction } from 'i18next';
import { humanize } from '../entities/format';
import type { MetricInfo } from './api';
import { localText, periodLabel } from './format';

const KNOWN_DIMENSIONS = ['company', 'office', 'team', 'owner', 'stage', 'process'];

/**
 * Labels for one dashboard render: metric names in the reader's language, dimension names and
 * values (periods per locale, stage names from the plugins' translations, else stage ids humanized,
 * missing values as "(none)").
 *
 * @example
 * ```ts
 * const l = dashboardLabels(t, 'zh-CN', metrics);
 * l.metric('pipeline.won_value'); // '赢单金额'
 * l.value('quarter', { quarter: '2017-Q3' }); // '2017年第3季度'
 * ```
 */
export function dashboardLabels(t: TFunction, language: string, metrics: Map<string, MetricInfo> | null, stageName: (stage: string) => string | undefined = () => undefined) {
  return {
    metric: (id: string) => localText(metrics?.get(id)?.label, language) || id,
    dimension: (dim: string) => (KNOWN_DIMENSIONS.includes(dim) ? t(`dashboards.dimensions.${dim}`) : (TIME_GRAINS as readonly string[]).includes(dim) ? t(`dashboards.grains.${dim}`) : humanize(dim)),
    value: (dim: string, row: MetricRow): string => {
      const v = row[dim];
      if (v === null || v === undefined || v === '') return t('dashboards.dimensions.none');
      if ((TIME_GRAINS as readonly string[]).includes(dim)) return periodLabel(String(v), dim as TimeGrain, language);
      if (dim === 'stage') return stageName(String(v)) ?? humanize(String(v));
      if (dim === 'process') return humanize(String(v));
      return String(v);
    },
  };
}

export type DashboardLabels = ReturnType<typeof dashboardLabels>;
