import { awsCliCommands, awsCliEnvironment } from './aws-cli-commands';
import type { DemoResult } from './demo-result';
import { describeScoring, endToEndRate, formatCount, formatMs, formatRatio } from './format';
import { CHURN_RISK_HEADER, churnRiskCells } from './summary';
import { barChart, escapeHtml, lineChart } from './svg-charts';

const COLORS = { sent: '#9aa5b1', output: '#1f77b4', p50: '#2ca02c', p99: '#d62728', deadLetters: '#ff7f0e' } as const;

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.muted { color: #666; } .ok { color: #1a7f37; font-weight: 600; } .bad { color: #cf222e; font-weight: 600; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: .6rem; }
.figure { border: 1px solid #e1e4e8; border-radius: 6px; padding: .6rem .8rem; }
.figure .value { font-size: 1.35rem; font-weight: 600; } .figure .label { color: #666; font-size: .8rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { padding: .25rem .7rem; border-bottom: 1px solid #eee; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; font-size: .8rem; border-radius: 6px; }
svg { display: block; margin: .8rem 0; max-width: 100%; height: auto; }
`;

function figure(label: string, value: string): string {
  return `<div class="figure"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: (column: number) => boolean): string {
  const cell = (tag: 'th' | 'td', text: string, column: number): string => `<${tag}${numeric(column) ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  return [
    '<table>',
    `<tr>${header.map((title, column) => cell('th', title, column)).join('')}</tr>`,
    ...rows.map((row) => `<tr>${row.map((text, column) => cell('td', text, column)).join('')}</tr>`),
    '</table>',
  ].join('\n');
}

/**
 * A self-contained HTML report of a demo run: key figures, accounting, throughput and latency
 * over time and dead letters by reason as inline SVG, the churn-risk table, the outputs and the
 * AWS CLI commands. No script, no stylesheet or image from elsewhere: it opens offline.
 */
export function renderHtmlReport(result: DemoResult): string {
  const { options, stats, accounting, endpoints, send, outputs } = result;
  const latency = stats.latencyMs;
  const timeline = stats.timeline;
  const throughputChart = lineChart({
    title: 'Throughput over time (events per second)',
    xLabel: 'seconds since the first scheduled send',
    yLabel: 'events / s',
    series: [
      { name: 'sent (scheduled, enriched later)', color: COLORS.sent, points: timeline.map(({ second, sent }) => [second, sent]) },
      { name: 'enriched output', color: COLORS.output, points: timeline.map(({ second, output }) => [second, output]) },
    ],
  });
  const withLatency = timeline.flatMap(({ second, latency: perSecond }) => (perSecond === undefined ? [] : [{ second, ...perSecond }]));
  const latencyChart = lineChart({
    title: 'End-to-end latency over time (by output second)',
    xLabel: 'seconds since the first scheduled send',
    yLabel: 'latency (ms)',
    series: [
      { name: 'p50', color: COLORS.p50, points: withLatency.map(({ second, p50 }) => [second, p50]) },
      { name: 'p99', color: COLORS.p99, points: withLatency.map(({ second, p99 }) => [second, p99]) },
    ],
  });
  const deadLetterChart = barChart({
    title: `Dead letters by reason (${formatCount(stats.deadLetters)})`,
    bars: Object.entries(stats.deadLettersByReason).map(([label, value]) => ({ label, value })),
    color: COLORS.deadLetters,
  });
  const accountingRows = [
    ['accepted on the jobs stream', formatCount(accounting.accepted), formatCount(send.requested)],
    ['enriched (distinct eventIDs in S3)', formatCount(accounting.enriched), formatCount(accounting.expected.enriched)],
    ['dead-lettered', formatCount(accounting.deadLetters), formatCount(accounting.expected.deadLetters)],
    ['duplicates skipped', formatCount(accounting.duplicatesSkipped), formatCount(accounting.expected.duplicates)],
    ['enriched events read from the stream', formatCount(accounting.onStream), formatCount(accounting.expected.enriched)],
  ];
  const verdict = accounting.balanced
    ? `<p class="ok">Every accepted event is accounted for: ${formatCount(accounting.enriched)} + ${formatCount(accounting.deadLetters)} + ${formatCount(accounting.duplicatesSkipped)} = ${formatCount(accounting.accepted)}.</p>`
    : `<p class="bad">Not accounted: ${escapeHtml(accounting.problems.join('; '))}</p>`;
  const scoring = describeScoring(result.processorMetrics);
  const commands = [awsCliEnvironment(endpoints), ...awsCliCommands(endpoints, outputs).flatMap(({ what, command }) => [`# ${what}`, command])].join('\n');
  const title = `Pipeline run ${result.startedAt}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(
    `${formatCount(options.events)} events over ${options.durationSeconds} s (${formatRatio(options.invalidRatio)} invalid, ${formatRatio(options.duplicateRatio)} duplicates, ${formatRatio(options.outOfOrderRatio)} late), ${formatCount(result.seeded.companies)} companies seeded, seed ${options.seed}, Kinesis emulator ${endpoints.kinesisBackend}. Finished ${result.finishedAt}.`,
  )}</p>
<div class="figures">
${[
  figure('events in (accepted)', formatCount(accounting.accepted)),
  figure('enriched', formatCount(accounting.enriched)),
  figure('dead-lettered', formatCount(accounting.deadLetters)),
  figure('duplicates skipped', formatCount(accounting.duplicatesSkipped)),
  figure('events/s end to end', formatCount(endToEndRate(result))),
  figure('p50 latency', latency === undefined ? 'n/a' : formatMs(latency.p50)),
  figure('p99 latency', latency === undefined ? 'n/a' : formatMs(latency.p99)),
  figure('companies flagged', `${formatCount(stats.churnRisk.flagged)} / ${formatCount(stats.churnRisk.companies)}`),
].join('\n')}
</div>
<h2>Accounting</h2>
${verdict}
${table(['', 'actual', 'expected'], accountingRows, (column) => column > 0)}
<p class="muted">${escapeHtml(
    `Sent at ${formatCount(send.achievedRatePerSecond)}/s (target ${formatCount(send.targetRatePerSecond ?? 0)}/s), max schedule lag ${formatMs(send.maxScheduleLagMs)}; the pipeline drained ${formatMs(result.drainMs)} after the last send.${scoring === undefined ? '' : ` Processor: ${scoring}.`}`,
  )}</p>
<h2>Throughput and latency</h2>
<p class="muted">${escapeHtml(
    `Latency is measured with an HDR histogram from each event's scheduled send time (sentAt, so producer lag counts) to ${stats.latencyBasis === 'output-stream' ? 'its first read by a consumer of the enriched stream' : 'its processedAt'}. p50 ${latency === undefined ? 'n/a' : formatMs(latency.p50)}, p90 ${latency === undefined ? 'n/a' : formatMs(latency.p90)}, p99 ${latency === undefined ? 'n/a' : formatMs(latency.p99)}, max ${latency === undefined ? 'n/a' : formatMs(latency.max)}. Peak ${formatCount(stats.throughput.peakPerSecond)} enriched events in one second.`,
  )}</p>
${throughputChart}
${latencyChart}
<h2>Dead letters</h2>
${deadLetterChart}
<h2>Churn risk</h2>
<p>${escapeHtml(`${formatCount(stats.churnRisk.flagged)} of ${formatCount(stats.churnRisk.companies)} companies seen are flagged as a churn risk (latest enriched record of each). Top ${stats.churnRisk.top.length} by probability:`)}</p>
${table(CHURN_RISK_HEADER, churnRiskCells(result), (column) => column === 0 || column >= 3)}
<h2>Outputs</h2>
${table(
  ['what', 'where', 'endpoint'],
  [
    ['enriched records (JSON Lines, gzip)', `${outputs.enrichedUri} (${formatCount(outputs.enrichedObjects)} objects)`, endpoints.s3],
    ['dead letters', outputs.deadLettersUri, endpoints.s3],
    ['enriched stream', endpoints.streams.enriched, endpoints.kinesis],
    ['company state', `DynamoDB table ${endpoints.stateTable}`, endpoints.dynamodb],
  ],
  () => false,
)}
<p class="muted">${escapeHtml(result.stackRunning ? 'The stack was left running (--keep-running): these commands work until it is stopped.' : 'The stack was stopped after the run: start it with `npm start -- --keep-running` to use these commands.')}</p>
<pre>${escapeHtml(commands)}</pre>
</body>
</html>
`;
}
