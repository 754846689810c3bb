import { browserBundle, inlineScript, VIEW_STYLE, type ReportChartsData } from '@tenant-analytics/live-view';
import { awsCliCommands, awsCliEnvironment } from './aws-cli-commands';
import type { DemoResult } from './demo-result';
import { describeScoring, endToEndRate, formatCount, formatMs, formatRatio } from './format';
import { RUN_SUMMARY_ELEMENT_ID, type RunSummary } from './previous-report';
import { runStory } from './run-story';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON safe inside an inline `<script type="application/json">`. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function card(label: string, value: string, note: string): string {
  return `<div class="card"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div><div class="label muted">${escapeHtml(note)}</div></div>`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: (column: number) => boolean): string {
  const cell = (tag: 'th' | 'td', text: string, column: number): string =>
    `<${tag}${numeric(column) ? ' class="num"' : ''}${tag === 'td' ? ` data-label="${escapeHtml(header[column] ?? '')}"` : ''}>${escapeHtml(text)}</${tag}>`;
  return [
    '<div class="table-wrap"><table class="stack">',
    `<thead><tr>${header.map((title, column) => cell('th', title, column)).join('')}</tr></thead><tbody>`,
    ...rows.map((row) => `<tr>${row.map((text, column) => cell('td', text, column)).join('')}</tr>`),
    '</tbody></table></div>',
  ].join('\n');
}

/** The figures this report keeps for the next one to compare with. */
export function runSummary(result: DemoResult): RunSummary {
  return {
    startedAt: result.startedAt,
    runtime: result.options.runtime,
    kinesisBackend: result.endpoints.kinesisBackend,
    events: result.options.events,
    durationSeconds: result.options.durationSeconds,
    accepted: result.accounting.accepted,
    sentPerSecond: result.send.achievedRatePerSecond,
    enrichedPerSecond: endToEndRate(result),
    p50Ms: result.stats.latencyMs?.p50 ?? null,
    p99Ms: result.stats.latencyMs?.p99 ?? null,
    deadLetters: result.accounting.deadLetters,
    drainMs: result.drainMs,
    balanced: result.accounting.balanced,
  };
}

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function comparison(current: RunSummary, previous: { readonly file: string; readonly summary: RunSummary } | undefined): string {
  if (previous === undefined) return '<p class="muted">No earlier report with a summary in the report directory: the next run will be compared with this one.</p>';
  const before = previous.summary;
  const row = (what: string, now: number | null, then: number | null, format: (value: number) => string, better: 'higher' | 'lower'): string[] => {
    if (now === null || then === null) return [what, now === null ? 'n/a' : format(now), then === null ? 'n/a' : format(then), ''];
    const change = then === 0 ? '' : `${now >= then ? '+' : '−'}${Math.abs(Math.round(((now - then) / then) * 100))} %`;
    const verdict = now === then ? 'same' : (now > then) === (better === 'higher') ? 'better' : 'worse';
    return [what, format(now), format(then), change === '' ? verdict : `${change} (${verdict})`];
  };
  const sameWorkload = before.events === current.events && before.durationSeconds === current.durationSeconds && before.runtime === current.runtime && before.kinesisBackend === current.kinesisBackend;
  return `<p>Compared with the previous report, <code>${escapeHtml(previous.file)}</code> (${escapeHtml(before.startedAt)}; ${formatCount(before.events)} events over ${before.durationSeconds} s, runtime ${escapeHtml(before.runtime)}, ${escapeHtml(before.kinesisBackend)})${sameWorkload ? ', same workload:' : '. <strong>The workload differs</strong>, so differences are not only the code or the machine:'}</p>
${table(
  ['figure', 'this run', 'previous run', 'change'],
  [
    row('sent (events/s accepted by Kinesis)', current.sentPerSecond, before.sentPerSecond, formatCount, 'higher'),
    row('end to end (enriched events/s)', current.enrichedPerSecond, before.enrichedPerSecond, formatCount, 'higher'),
    row('p50 latency', current.p50Ms, before.p50Ms, formatMs, 'lower'),
    row('p99 latency', current.p99Ms, before.p99Ms, formatMs, 'lower'),
    row('drain after the last send', current.drainMs, before.drainMs, formatMs, 'lower'),
    row('dead letters (share of accepted events)', share(current.deadLetters, current.accepted), share(before.deadLetters, before.accepted), formatRatio, 'lower'),
  ],
  (column) => column > 0,
)}`;
}

/**
 * A self-contained HTML report of a demo run (one file: its stylesheet, its data and the chart
 * script, Chart.js included, are inline; it opens offline). It starts with what happened — stalls
 * and backlogs with their cause from the batch stage times and dependency calls — then the
 * figures with what each measures, accounting, latency over time and its distribution, the same
 * pipeline panels as the live view, churn risk, a comparison with the previous report, and where
 * the outputs are.
 */
export function renderHtmlReport(result: DemoResult, previous?: { readonly file: string; readonly summary: RunSummary }): string {
  const { options, stats, accounting, endpoints, send, outputs } = result;
  const latency = stats.latencyMs;
  const story = runStory(result);
  const summary = runSummary(result);
  const charts: ReportChartsData = {
    live: result.live,
    timeline: {
      originMs: stats.originMs,
      seconds: stats.timeline.map(({ second, sent, output, latency: perSecond }) => ({ second, sent, output, p50Ms: perSecond?.p50 ?? null, p99Ms: perSecond?.p99 ?? null })),
      cdf: result.latencyCdf,
    },
  };
  const accountingRows = [
    ['accepted on the jobs stream', formatCount(accounting.accepted), formatCount(send.requested)],
    ['enriched (distinct eventIDs in S3)', formatCount(accounting.enriched), formatCount(accounting.expected.enriched)],
    ['dead-lettered', formatCount(accounting.deadLetters), formatCount(accounting.expected.deadLetters)],
    ['duplicates skipped', formatCount(accounting.duplicatesSkipped), formatCount(accounting.expected.duplicates)],
    ['enriched events read from the stream', formatCount(accounting.onStream), formatCount(accounting.expected.enriched)],
  ];
  const verdict = accounting.balanced
    ? `<p>Correctness: every accepted event is accounted for, ${formatCount(accounting.enriched)} enriched + ${formatCount(accounting.deadLetters)} dead-lettered + ${formatCount(accounting.duplicatesSkipped)} duplicates skipped = ${formatCount(accounting.accepted)}, each as the producer generated it. This says nothing about speed: see above.</p>`
    : `<p class="bad">Not accounted: ${escapeHtml(accounting.problems.join('; '))}</p>`;
  const scoring = describeScoring(result.processorMetrics);
  const lateShare = send.accepted > 0 ? send.outOfOrder / send.accepted : 0;
  const commands = [awsCliEnvironment(endpoints), ...awsCliCommands(endpoints, outputs).flatMap(({ what, command }) => [`# ${what}`, command])].join('\n');
  const title = `Pipeline run ${result.startedAt}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${VIEW_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(
    `${formatCount(options.events)} events over ${options.durationSeconds} s (${formatRatio(options.invalidRatio)} invalid, ${formatRatio(options.duplicateRatio)} duplicates, ${formatRatio(options.outOfOrderRatio)} late), ${formatCount(result.seeded.companies)} companies seeded, seed ${options.seed}, Kinesis emulator ${endpoints.kinesisBackend}, processor runtime ${options.runtime}. Finished ${result.finishedAt}.`,
  )}</p>
<section id="story">
<h2>What happened</h2>
<div class="callout ${story.severity === 'ok' ? '' : 'warn'}"><strong>${escapeHtml(story.headline)}</strong></div>
<ul>${story.sentences.map((sentence) => `<li>${escapeHtml(sentence)}</li>`).join('')}</ul>
</section>
<div class="cards">
${[
  card('sent', `${formatCount(send.achievedRatePerSecond)}/s`, 'events Kinesis accepted per second of sending (producer side)'),
  card('end to end', `${formatCount(endToEndRate(result))}/s`, 'accepted events ÷ time from the first scheduled send to the last output'),
  card('p50 latency', latency === undefined ? 'n/a' : formatMs(latency.p50), 'scheduled send → first read on the output stream'),
  card('p99 latency', latency === undefined ? 'n/a' : formatMs(latency.p99), 'same measure, 99th percentile'),
  card('drain', formatMs(result.drainMs), 'from the last send until every lane was at the tip'),
  card('enriched', formatCount(accounting.enriched), 'distinct events in the S3 sink'),
  card('dead-lettered', formatCount(accounting.deadLetters), 'with their reason, see below'),
  card('duplicates skipped', formatCount(accounting.duplicatesSkipped), 're-sent events the processor recognised'),
].join('\n')}
</div>
<section id="comparison">
<h2>Compared with the previous run</h2>
${comparison(summary, previous)}
</section>
<section id="accounting">
<h2>Accounting</h2>
${verdict}
${table(['', 'actual', 'expected'], accountingRows, (column) => column > 0)}
<p class="muted">${escapeHtml(
    `Late events: ${formatCount(send.outOfOrder)} (${formatRatio(lateShare)}) carried a creationDate in the past, as configured. They were enriched like the others (included in "enriched" above): each was counted in the job bucket of its own day, so it raised job30/job90 only where its day falls in the window; none was dropped or dead-lettered for being late (only a creationDate more than 365 days old is). The producer's maximum schedule lag was ${formatMs(send.maxScheduleLagMs)}.${scoring === undefined ? '' : ` Processor: ${scoring}.`}`,
  )}</p>
</section>
<section id="latency">
<h2>Throughput and latency</h2>
<p class="muted">${escapeHtml(
    `Latency runs from each event's scheduled send time (sentAt, so producer lag counts) to ${stats.latencyBasis === 'output-stream' ? 'its first read by a consumer of the enriched stream' : 'its processedAt'}, recorded in an HDR histogram: p50 ${latency === undefined ? 'n/a' : formatMs(latency.p50)}, p90 ${latency === undefined ? 'n/a' : formatMs(latency.p90)}, p99 ${latency === undefined ? 'n/a' : formatMs(latency.p99)}, max ${latency === undefined ? 'n/a' : formatMs(latency.max)}. The per-second chart has a point only for seconds in which events came out; gaps are seconds without output.`,
  )}</p>
<div class="grid" id="timeline-charts"></div>
</section>
<section id="pipeline">
<h2>The pipeline during the run</h2>
<p class="muted">The same panels as the live view (<code>npm start -- --keep-running</code>), from the processor's /metrics read every second during the run.</p>
${
  result.live.samples.length === 0
    ? `<p class="callout warn">${escapeHtml(`No metrics of the processor were read during this run (${result.live.processorError ?? 'no endpoint'}${options.runtime === 'lambda' ? '; the Lambda runtime serves no metrics endpoint' : ''}): the panels below show only the outputs.`)}</p>`
    : ''
}
<div id="pipeline-panels"></div>
</section>
<section id="outputs">
<h2>Outputs</h2>
${table(
  ['what', 'where'],
  [
    ['enriched records (JSON Lines, gzip)', `${outputs.enrichedUri} (${formatCount(outputs.enrichedObjects)} objects)`],
    ['dead letters', outputs.deadLettersUri],
    ['enriched stream', endpoints.streams.enriched],
    ['company state', `DynamoDB table ${endpoints.stateTable}`],
  ],
  () => false,
)}
${
  result.stackRunning
    ? `<p>The stack was left running (--keep-running): these commands work until it is stopped.</p>\n<pre>${escapeHtml(commands)}</pre>`
    : '<p>The local stack stopped with the run, and its emulators kept their data in memory, so there is nothing left to query. Run <code>npm start -- --keep-running</code> to keep the stack up: the summary then prints the AWS CLI commands with its live ports.</p>'
}
</section>
<script type="application/json" id="${RUN_SUMMARY_ELEMENT_ID}">${inlineJson(summary)}</script>
<script type="application/json" id="report-charts">${inlineJson(charts)}</script>
<script>${inlineScript(browserBundle())}</script>
<script>TenantAnalyticsView.renderReportCharts(document.getElementById('timeline-charts'), document.getElementById('pipeline-panels'), JSON.parse(document.getElementById('report-charts').textContent));</script>
</body>
</html>
`;
}
