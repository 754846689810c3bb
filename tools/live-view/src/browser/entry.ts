// The browser bundle (esbuild IIFE, global `TenantAnalyticsView`): the live page and the run report.
export { startLivePage } from './live-page';
export { renderReportCharts } from './report-charts';
