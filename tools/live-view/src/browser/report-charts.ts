import type { ReportChartsData } from '../report-data';
import { duration, PipelinePanels, TimeChart } from './components';

const seconds = (value: number): string => `${Math.round(value)} s`;

/** Renders the report's charts: the run timeline (throughput, latency per second, latency CDF) and the pipeline panels. */
export function renderReportCharts(timelineRoot: HTMLElement, panelsRoot: HTMLElement, data: ReportChartsData): void {
  const { timeline } = data;
  const throughput = new TimeChart(timelineRoot, { title: 'Events per second: scheduled by the producer and output', yTitle: 'events / s', xTitle: 'seconds since the first scheduled send', xFormat: seconds });
  throughput.update([
    { name: 'scheduled (sentAt)', points: timeline.seconds.map(({ second, sent }) => [second, sent]) },
    { name: 'output (first seen on the output stream)', points: timeline.seconds.map(({ second, output }) => [second, output]) },
  ]);
  const latency = new TimeChart(timelineRoot, {
    title: 'End-to-end latency of the events output in each second (no point: nothing output)',
    yTitle: 'latency (s)',
    xTitle: 'seconds since the first scheduled send',
    xFormat: seconds,
    yFormat: (value) => `${(value / 1000).toFixed(1)} s`,
  });
  latency.update([
    { name: 'p50', points: timeline.seconds.map(({ second, p50Ms }) => [second, p50Ms]) },
    { name: 'p99', points: timeline.seconds.map(({ second, p99Ms }) => [second, p99Ms]) },
  ]);
  const cdf = new TimeChart(timelineRoot, { title: 'Latency distribution (share of events at or below a latency)', yTitle: '% of events', xTitle: 'latency', xFormat: duration, xMin: 0, yFormat: (value) => `${Math.round(value)} %` });
  cdf.update([{ name: 'events at or below', points: timeline.cdf.map(([ms, share]) => [ms, Math.round(share * 1000) / 10]) }]);
  new PipelinePanels(panelsRoot).update(data.live);
}
