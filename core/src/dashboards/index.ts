/**
 * Dashboards as data: document types, range presets and the mapping of a widget to metric
 * queries and drill-downs. No validator here, so the studio can import it cheaply
 * (`@pipewright/core/dashboards`); `checkDashboard` is exported from the package root.
 */
export * from './types';
export { previousPeriod, resolveRange, todayIn } from './range';
export { drillBody, rowCell, widgetQueries, type WidgetQueries } from './queries';
