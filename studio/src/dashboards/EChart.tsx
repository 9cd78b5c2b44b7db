import { useEffect, useRef, useState } from 'react';
import type { EChartsCoreOption, EChartsType } from './echarts-setup';

/** Where a click on a chart landed. */
export interface ChartClick {
  seriesIndex: number;
  dataIndex: number;
}

let loading: Promise<typeof import('./echarts-setup')> | undefined;
/** ECharts loads on first use, in its own chunk. */
const loadECharts = () => (loading ??= import('./echarts-setup'));

/**
 * An ECharts canvas that follows its box's size; `option` replaces the chart's option when it
 * changes. The chart library is fetched the first time any chart is shown.
 *
 * @example
 * ```tsx
 * <EChart option={{ xAxis: {...}, yAxis: {...}, series: [...] }} label="Won value by quarter" onClick={(c) => drill(c.dataIndex)} />
 * ```
 */
export function EChart({ option, label, onClick }: { option: EChartsCoreOption; label: string; onClick?: (click: ChartClick) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    loadECharts()
      .then(({ echarts }) => {
        if (disposed || !box.current) return;
        const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
        chart.current = c;
        c.on('click', (p) => {
          const e = p as { seriesIndex?: number; dataIndex?: number };
          clickRef.current?.({ seriesIndex: e.seriesIndex ?? 0, dataIndex: e.dataIndex ?? 0 });
        });
        observer = new ResizeObserver(() => c.resize());
        observer.observe(box.current);
      })
      .catch((err: unknown) => setFailed(err instanceof Error ? err.message : String(err)));
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    void loadECharts().then(() => {
      if (!cancelled) chart.current?.setOption(option, { notMerge: true });
    });
    return () => {
      cancelled = true;
    };
  }, [option]);

  if (failed) return <p role="alert">{failed}</p>;
  return <div ref={box} className="echart" role="img" aria-label={label} data-testid="echart" />;
}
