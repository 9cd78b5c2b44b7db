/**
 * The parts of Apache ECharts the dashboards use, registered once: bar, line and funnel charts,
 * grid, tooltip and legend, drawn on canvas. Importing `echarts/core` plus these (instead of
 * `echarts`) keeps the other chart types, maps and the SVG renderer out of the bundle; this
 * module is loaded only when a chart is first shown (see EChart.tsx).
 */
import { BarChart, FunnelChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, FunnelChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export { echarts };
export type { EChartsCoreOption, EChartsType } from 'echarts/core';
