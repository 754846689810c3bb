import { Chart, type ChartConfiguration, type ChartDataset } from 'chart.js/auto';
import type { LiveModel } from '../live-model';
import { viewSeries, type Series, type ViewSeries } from '../view-series';

/**
 * Okabe–Ito colours (told apart with any colour vision), each series also with its own dash and
 * point style, so no pair depends on red versus green.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;
const DASHES: readonly number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3]];
const POINTS = ['circle', 'triangle', 'rect', 'rectRot', 'crossRot'] as const;

Chart.defaults.font.size = 13;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif';
Chart.defaults.color = '#333';
Chart.defaults.animation = false;

/** `12:03:04` (local time) for a time axis. */
export function clock(ms: number): string {
  const date = new Date(ms);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}

/** 12,345 */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** An axis value: whole numbers with separators, small fractions with one decimal. */
export function axisNumber(value: number): string {
  return Number.isInteger(value) ? count(value) : value.toFixed(Math.abs(value) < 10 ? 1 : 0);
}

/** Milliseconds in the unit a reader expects: `850 ms`, `2.4 s`. */
export function duration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function dataset(series: Series, index: number, options: { readonly stacked?: boolean } = {}): ChartDataset<'line', { x: number; y: number | null }[]> {
  const color = PALETTE[index % PALETTE.length] as string;
  return {
    label: series.name,
    data: series.points.map(([x, y]) => ({ x, y })),
    borderColor: color,
    backgroundColor: options.stacked ? `${color}99` : color,
    borderDash: DASHES[index % DASHES.length] as number[],
    pointStyle: POINTS[index % POINTS.length] as string,
    // Markers where the data is short or has gaps (an isolated value has no line to show it).
    pointRadius: series.points.length <= 120 || series.points.some(([, y]) => y === null) ? 2 : 0,
    borderWidth: 2,
    fill: options.stacked ? true : false,
    spanGaps: false,
  };
}

/** A line chart over time that keeps its canvas between updates. */
export class TimeChart {
  private readonly chart: Chart<'line', { x: number; y: number | null }[]>;

  constructor(
    container: HTMLElement,
    private readonly options: { readonly title: string; readonly yTitle: string; readonly stacked?: boolean; readonly xTitle?: string; readonly xFormat?: (value: number) => string; readonly yFormat?: (value: number) => string; readonly xMin?: number; readonly ySuggestedMax?: number },
  ) {
    const canvas = element('canvas', { role: 'img', 'aria-label': options.title });
    container.append(element('div', { class: 'chart' }, canvas));
    const config: ChartConfiguration<'line', { x: number; y: number | null }[]> = {
      type: 'line',
      data: { datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          title: { display: true, text: options.title, font: { size: 14, weight: 'bold' }, align: 'start' },
          legend: { position: 'bottom', labels: { usePointStyle: true, boxWidth: 10 } },
          tooltip: { callbacks: { title: (items) => (items[0] === undefined ? '' : (options.xFormat ?? clock)(items[0].parsed.x ?? 0)) } },
        },
        scales: {
          x: { type: 'linear', bounds: 'data', ...(options.xMin === undefined ? {} : { min: options.xMin }), title: { display: options.xTitle !== undefined, text: options.xTitle ?? '' }, ticks: { maxTicksLimit: 6, callback: (value) => (options.xFormat ?? clock)(Number(value)) } },
          y: {
            stacked: options.stacked ?? false,
            beginAtZero: true,
            ...(options.ySuggestedMax === undefined ? {} : { suggestedMax: options.ySuggestedMax }),
            title: { display: true, text: options.yTitle },
            ticks: { maxTicksLimit: 6, callback: (value) => (options.yFormat ?? axisNumber)(Number(value)) },
          },
        },
      },
    };
    this.chart = new Chart(canvas, config);
  }

  update(series: readonly Series[]): void {
    this.chart.data.datasets = series.map((one, index) => dataset(one, index, { stacked: this.options.stacked ?? false }));
    this.chart.update('none');
  }
}

/** A horizontal bar chart of named values. */
export class BarChart {
  private readonly chart: Chart<'bar', number[], string>;

  constructor(container: HTMLElement, title: string, private readonly format: (value: number) => string = count) {
    const canvas = element('canvas', { role: 'img', 'aria-label': title });
    container.append(element('div', { class: 'chart chart-short' }, canvas));
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ data: [], backgroundColor: PALETTE[0] }] },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: title, font: { size: 14, weight: 'bold' }, align: 'start' }, legend: { display: false }, tooltip: { callbacks: { label: (item) => format(Number(item.raw)) } } },
        scales: { x: { beginAtZero: true, ticks: { maxTicksLimit: 5, callback: (value) => format(Number(value)) } } },
      },
    });
  }

  update(bars: readonly { readonly label: string; readonly value: number }[]): void {
    this.chart.data.labels = bars.map(({ label }) => label);
    (this.chart.data.datasets[0] as { data: number[] }).data = bars.map(({ value }) => value);
    this.chart.update('none');
  }
}

/** A table whose body is replaced on each update; wrapped so a narrow screen scrolls it, not the page. */
export class Table {
  private readonly body: HTMLTableSectionElement;

  constructor(
    container: HTMLElement,
    private readonly header: readonly string[],
    private readonly numeric: (column: number) => boolean,
    id?: string,
  ) {
    this.body = element('tbody');
    const head = element('thead', {}, element('tr', {}, ...header.map((title, column) => element('th', numeric(column) ? { class: 'num' } : {}, title))));
    container.append(element('div', { class: 'table-wrap' }, element('table', { class: 'stack', ...(id === undefined ? {} : { id }) }, head, this.body)));
  }

  update(rows: readonly (readonly string[])[], empty = 'none yet'): void {
    this.body.replaceChildren(
      ...(rows.length === 0
        ? [element('tr', {}, element('td', { colspan: '99', class: 'muted' }, empty))]
        : rows.map((row) =>
            element('tr', {}, ...row.map((text, column) => element('td', { ...(this.numeric(column) ? { class: 'num' } : {}), 'data-label': this.header[column] ?? '' }, text))),
          )),
    );
  }
}

function section(root: HTMLElement, title: string, note?: string): HTMLElement {
  const body = element('div', { class: 'grid' });
  root.append(element('section', {}, element('h2', {}, title), ...(note === undefined ? [] : [element('p', { class: 'muted' }, note)]), body));
  return body;
}

function card(root: HTMLElement, metric: string, label: string): HTMLElement {
  const value = element('div', { class: 'value', 'data-metric': metric }, '–');
  root.append(element('div', { class: 'card' }, value, element('div', { class: 'label' }, label)));
  return value;
}

/**
 * The pipeline panels shared by the live view and the run report: headline cards, rates per
 * stream and shard, lag per lane, where batch time goes, dependencies, dead letters with an
 * example each, commit conflicts and recovered batches, CPU and memory, and the churn-risk table.
 */
export class PipelinePanels {
  private readonly cards: Record<string, HTMLElement>;
  private readonly charts: Record<string, TimeChart>;
  private readonly stageBars: BarChart;
  private readonly dependencyTable: Table;
  private readonly deadLetterTable: Table;
  private readonly checkpointTable: Table;
  private readonly churnTable: Table;
  private readonly churnNote: HTMLElement;
  private readonly stageNote: HTMLElement;

  constructor(root: HTMLElement) {
    const cards = element('div', { class: 'cards' });
    root.append(cards);
    this.cards = {
      recordsIn: card(cards, 'records-in', 'records in (RecordsIn, both streams)'),
      enriched: card(cards, 'enriched', 'enriched (Enriched)'),
      deadLetters: card(cards, 'dead-letters', 'dead letters (DeadLetters)'),
      duplicatesSkipped: card(cards, 'duplicates-skipped', 'duplicates skipped'),
      maxLag: card(cards, 'max-lag', 'max lag (MillisBehindLatest)'),
      commitConflicts: card(cards, 'commit-conflicts', 'state commit conflicts'),
      pendingRecovered: card(cards, 'pending-recovered', 'pending batches recovered'),
      cpu: card(cards, 'cpu', 'processor CPU (% of a core)'),
      memory: card(cards, 'memory', 'processor memory (RSS)'),
    };
    const rates = section(root, 'Throughput', 'Events per second between consecutive readings of the processor\'s /metrics (input: records the processor took in; output: enriched events). Per shard: records read by the processor, and enriched events a consumer saw on the output stream, by the shard they came from.');
    const lag = section(root, 'Lag and checkpoints', 'How far behind the pipeline is: the age of the events a consumer of the output stream receives (from their scheduled send), and how far each lane is behind the tip of its shard (Kinesis MillisBehindLatest at its last read; kinesalite always reports 0, kinesis-local reports it). The table says when each lane last completed a batch (its checkpoint).');
    const stages = section(root, 'Where batch time goes', 'read = GetRecords; compute = decode, state reads, tenant lookups, churn scoring and their retries; commit = company state writes; publish = S3 objects, dead letters, output stream; complete = the checkpoint write. Stages of concurrent lanes overlap, so the sum can exceed wall time.');
    const dependencies = section(root, 'Dependencies', 'Every call the processor made, by dependency: churn API and tenant manager over HTTP, Kinesis, S3 and DynamoDB through the SDK. Throttled = HTTP 429 or a throttling error; retries are the processor\'s own (the SDK\'s are inside one call).');
    const deadLetters = section(root, 'Dead letters', 'By reason over time, with one example record for each reason (read from the dead-letter location).');
    const resources = section(root, 'Processor resources');
    const churn = section(root, 'Churn risk');
    this.charts = {
      input: new TimeChart(rates, { title: 'Input by stream (records/s)', yTitle: 'records / s' }),
      output: new TimeChart(rates, { title: 'Enriched output by stream (events/s)', yTitle: 'events / s' }),
      readByShard: new TimeChart(rates, { title: 'Records read per shard (records/s)', yTitle: 'records / s' }),
      outputByShard: new TimeChart(rates, { title: 'Output per source shard (events/s on the output stream)', yTitle: 'events / s' }),
      outputAge: new TimeChart(lag, { title: 'Age of the oldest event output each second, by source shard', yTitle: 'scheduled send → output', yFormat: duration, ySuggestedMax: 1_000 }),
      lag: new TimeChart(lag, { title: 'MillisBehindLatest per lane', yTitle: 'behind the shard tip', yFormat: duration, ySuggestedMax: 1_000 }),
      checkpoints: new TimeChart(lag, { title: 'Checkpoints: batches completed per second, by lane', yTitle: 'batches / s' }),
      stages: new TimeChart(stages, { title: 'Batch time per second of wall time, by stage', yTitle: 'ms per s', stacked: true }),
      dependencyLatency: new TimeChart(dependencies, { title: 'Mean call latency by dependency', yTitle: 'ms' }),
      dependencyErrors: new TimeChart(dependencies, { title: 'Errors and throttles by dependency (per second)', yTitle: 'calls / s' }),
      deadLetters: new TimeChart(deadLetters, { title: 'Dead letters by reason (per second)', yTitle: 'records / s' }),
      cpu: new TimeChart(resources, { title: 'CPU (% of one core)', yTitle: '%' }),
      memory: new TimeChart(resources, { title: 'Resident memory', yTitle: 'MB' }),
    };
    this.checkpointTable = new Table(lag, ['lane', 'last checkpoint'], (column) => column === 1);
    this.stageNote = element('p', { class: 'muted' });
    stages.append(this.stageNote);
    this.stageBars = new BarChart(stages, 'Share of batch time by stage (whole run)', (value) => `${Math.round(value * 100)} %`);
    this.dependencyTable = new Table(dependencies, ['dependency', 'calls', 'calls/s', 'errors', 'throttled', 'retries', 'mean latency', 'breaker'], (column) => column >= 1 && column <= 6, 'dependencies');
    this.deadLetterTable = new Table(deadLetters, ['reason', 'stage', 'count', 'message', 'example record'], (column) => column === 2, 'dead-letter-reasons');
    this.churnNote = element('p');
    churn.append(this.churnNote);
    this.churnTable = new Table(churn, ['#', 'company', 'industry', 'probability', 'monthly fee', 'monthly fee at risk', 'job30', 'job90'], (column) => column === 0 || column >= 3, 'churn-risk');
  }

  update(model: LiveModel): ViewSeries {
    const view = viewSeries(model);
    const headline = view.headline;
    const set = (key: string, text: string) => ((this.cards[key] as HTMLElement).textContent = text);
    if (headline !== undefined) {
      set('recordsIn', count(headline.recordsIn));
      set('enriched', count(headline.enriched));
      set('deadLetters', count(headline.deadLetters));
      set('duplicatesSkipped', count(headline.duplicatesSkipped));
      set('maxLag', duration(headline.maxLagMs));
      set('commitConflicts', count(headline.commitConflicts));
      set('pendingRecovered', count(headline.pendingRecovered));
      set('cpu', headline.cpuPercent === undefined ? '–' : `${headline.cpuPercent.toFixed(0)} %`);
      set('memory', `${headline.residentMb.toFixed(0)} MB`);
    }
    const charts = this.charts as Record<string, TimeChart>;
    charts['input']?.update(view.inputByStream);
    charts['output']?.update(view.outputByStream);
    charts['readByShard']?.update(view.readByShard);
    charts['outputByShard']?.update(view.outputByShard);
    charts['lag']?.update(view.lagByLane);
    charts['outputAge']?.update(view.outputAgeByShard);
    charts['checkpoints']?.update(view.checkpointsByLane);
    charts['stages']?.update(view.stageMsPerSecond);
    charts['dependencyLatency']?.update(view.dependencyLatency);
    charts['dependencyErrors']?.update(view.dependencyErrors);
    charts['deadLetters']?.update(view.deadLettersByReason);
    charts['cpu']?.update([view.cpuPercent]);
    charts['memory']?.update([view.residentMb]);
    this.checkpointTable.update(view.checkpointAgeSeconds.map(({ lane, ageSeconds }) => [lane, `${ageSeconds.toFixed(1)} s ago`]));
    const top = view.stageShares[0];
    this.stageNote.textContent = top === undefined ? 'No batch yet.' : `Most batch time goes to ${top.stage} (${Math.round(top.share * 100)} %, ${duration(top.meanMs)} per batch on average).`;
    this.stageBars.update(view.stageShares.map(({ stage, share }) => ({ label: stage, value: share })));
    this.dependencyTable.update(
      view.dependencies.map((row) => [row.dependency, count(row.calls), row.callsPerSecond.toFixed(1), count(row.errors), count(row.throttled), count(row.retries), row.meanLatencyMs === undefined ? '–' : duration(row.meanLatencyMs), row.breaker]),
    );
    this.deadLetterTable.update(model.deadLetters.map((reason) => [reason.reason, reason.stage, count(reason.count), reason.message, reason.sampleRecord]));
    const { churnRisk } = model;
    this.churnNote.textContent =
      `${count(churnRisk.flagged)} of ${count(churnRisk.companies)} companies in the output are flagged (latest record of each: the churn model's probability is at least ${churnRisk.threshold}). ` +
      `The model is confident, so many flagged companies share a probability near 1; the table ranks them by monthly fee at risk (probability × monthly fee), top ${churnRisk.top.length}.`;
    this.churnTable.update(
      churnRisk.top.map((row, index) => [String(index + 1), row.companyID, row.industry, row.churnProbability.toFixed(3), count(row.monthlyFee), count(row.monthlyFeeAtRisk), count(row.job30), count(row.job90)]),
    );
    return view;
  }
}
