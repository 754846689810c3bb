import { awsCliCommands, awsCliEnvironment } from './aws-cli-commands';
import type { DemoResult } from './demo-result';
import { runStory } from './run-story';
import { describeScoring, endToEndRate, formatCount, formatMs, formatRatio, unlessExpected } from './format';

/** Left-aligned columns of text; numbers right-aligned when `numeric[i]`. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** The churn-risk rows as text cells (the live view's table: ranked by monthly fee at risk). */
export function churnRiskCells(result: Pick<DemoResult, 'live'>): string[][] {
  return result.live.churnRisk.top.map((row, index) => [
    String(index + 1),
    row.companyID,
    row.industry,
    row.churnProbability.toFixed(3),
    formatCount(row.monthlyFee),
    formatCount(Math.round(row.monthlyFeeAtRisk)),
    formatCount(row.job30),
    formatCount(row.job90),
  ]);
}

/** Header of {@link churnRiskCells}. */
export const CHURN_RISK_HEADER = ['#', 'company', 'industry', 'probability', 'monthly fee', 'fee at risk', 'job30', 'job90'] as const;
const CHURN_RISK_NUMERIC = [true, false, false, true, true, true, true, true];

/**
 * The run summary printed at the end of `npm start`: events in, outcomes against what was sent,
 * churn risk with a top-10 table, throughput, end-to-end latency, where the outputs are and the
 * AWS CLI commands that show them.
 */
export function renderSummary(result: DemoResult, reportPath: string): string {
  const { options, send, accounting, stats, endpoints, outputs } = result;
  const latency = stats.latencyMs;
  const basis = stats.latencyBasis === 'output-stream' ? 'from the scheduled send time to the first read on the enriched stream' : 'from the scheduled send time to processedAt';
  const reasons = Object.entries(stats.deadLettersByReason).map(([reason, count]) => `    ${reason.padEnd(16)}${formatCount(count).padStart(7)}`);
  const story = runStory(result);
  const lines = [
    '',
    `Run summary: ${formatCount(options.events)} events over ${options.durationSeconds} s (${formatRatio(options.invalidRatio)} invalid, ${formatRatio(options.duplicateRatio)} duplicates, ${formatRatio(options.outOfOrderRatio)} late), Kinesis emulator ${endpoints.kinesisBackend}${options.runtime === 'lambda' ? ', processor on the Lambda runtime (emulated event source mappings)' : ''}`,
    '='.repeat(100),
    `What happened       ${story.headline}`,
    `Events in           ${formatCount(accounting.accepted).padStart(7)}  accepted on ${endpoints.streams.jobs}; sent at ${formatCount(send.achievedRatePerSecond)}/s (target ${formatCount(send.targetRatePerSecond ?? 0)}/s, max schedule lag ${formatMs(send.maxScheduleLagMs)})`,
    `Enriched            ${formatCount(accounting.enriched).padStart(7)}${unlessExpected(accounting.enriched, accounting.expected.enriched)}  (${formatCount(send.outOfOrder)} with a late event time)`,
    `Dead-lettered       ${formatCount(accounting.deadLetters).padStart(7)}${unlessExpected(accounting.deadLetters, accounting.expected.deadLetters)}`,
    ...reasons,
    `Duplicates skipped  ${formatCount(accounting.duplicatesSkipped).padStart(7)}${unlessExpected(accounting.duplicatesSkipped, accounting.expected.duplicates)}`,
    accounting.balanced
      ? `Accounted           ${formatCount(accounting.enriched)} + ${formatCount(accounting.deadLetters)} + ${formatCount(accounting.duplicatesSkipped)} = ${formatCount(accounting.accepted)}: every accepted event is accounted for (S3 and the enriched stream agree)`
      : `NOT ACCOUNTED       ${accounting.problems.join('; ')}`,
    `Churn risk          ${formatCount(stats.churnRisk.flagged).padStart(7)}  of ${formatCount(stats.churnRisk.companies)} companies seen are flagged (latest record of each: churn probability ≥ ${result.live.churnRisk.threshold})`,
    `Throughput          ${formatCount(endToEndRate(result))} events/s end to end (first send to last output: ${formatMs(stats.throughput.spanMs)}); peak ${formatCount(stats.throughput.peakPerSecond)} enriched/s; drained ${formatMs(result.drainMs)} after the last send`,
    latency === undefined
      ? 'Latency             no enriched event carried sentAt'
      : `Latency             p50 ${formatMs(latency.p50)}, p90 ${formatMs(latency.p90)}, p99 ${formatMs(latency.p99)}, max ${formatMs(latency.max)} (${basis})`,
  ];
  const scoring = describeScoring(result.processorMetrics);
  if (scoring !== undefined) lines.push(`Processor           ${scoring}`);
  const { churnRisk } = result.live;
  if (churnRisk.top.length > 0) {
    lines.push(
      '',
      `Top ${churnRisk.top.length} churn-risk companies by monthly fee at risk (probability × monthly fee; flagged = probability ≥ ${churnRisk.threshold}, latest record)`,
      ...textTable(CHURN_RISK_HEADER, churnRiskCells(result), CHURN_RISK_NUMERIC).map((line) => `  ${line}`),
    );
  }
  lines.push(
    '',
    'Outputs',
    `  Enriched records  ${outputs.enrichedUri}  (${formatCount(outputs.enrichedObjects)} objects; S3 endpoint ${endpoints.s3})`,
    `  Dead letters      ${outputs.deadLettersUri}`,
    `  Enriched stream   ${endpoints.streams.enriched}  (Kinesis endpoint ${endpoints.kinesis})`,
    `  Company state     DynamoDB table ${endpoints.stateTable}  (endpoint ${endpoints.dynamodb})`,
    '',
    result.stackRunning
      ? 'Inspect them with the AWS CLI (the stack is running now):'
      : 'Inspect them with the AWS CLI while the stack runs (it has been stopped: run `npm start -- --keep-running` to keep it up):',
    `  ${awsCliEnvironment(endpoints)}`,
    ...awsCliCommands(endpoints, outputs).flatMap(({ what, command }) => [`  # ${what}`, `  ${command}`]),
    '',
    `HTML report         ${reportPath}`,
  );
  if (result.portFallbacks.length > 0) {
    lines.push(`Note                fixed port(s) ${result.portFallbacks.map(({ name, port }) => `${port} (${name})`).join(', ')} were taken, so free ports were used: the commands above name the actual ones`);
  }
  return `${lines.join('\n')}\n`;
}
