import { viewSeries } from '@tenant-analytics/live-view';
import type { DemoResult } from './demo-result';
import { formatCount, formatMs } from './format';

/** How worrying a run looks: `ok` kept up, `warn` fell behind or stalled. */
export type StorySeverity = 'ok' | 'warn';

/** The longest stretch of seconds with no output while events were waiting. */
export interface Stall {
  readonly fromSecond: number;
  readonly toSecond: number;
  readonly seconds: number;
}

/** What happened in a run, in a few sentences, with its cause when the metrics tell it. */
export interface RunStory {
  readonly severity: StorySeverity;
  readonly headline: string;
  readonly sentences: readonly string[];
  readonly stall: Stall | undefined;
}

/** p50 above this, or a stall at least {@link STALL_SECONDS} long, makes a run `warn`. */
export const SLOW_P50_MS = 1_000;
export const STALL_SECONDS = 3;

/** The longest run of seconds with zero output while more had been scheduled than output (a backlog). */
export function longestStall(seconds: readonly { readonly second: number; readonly sent: number; readonly output: number }[]): Stall | undefined {
  let backlog = 0;
  let best: Stall | undefined;
  let start: number | undefined;
  for (const { second, sent, output } of seconds) {
    const waiting = backlog + sent > 0;
    if (output === 0 && waiting) start ??= second;
    else if (start !== undefined) {
      if (best === undefined || second - start > best.seconds) best = { fromSecond: start, toSecond: second, seconds: second - start };
      start = undefined;
    }
    backlog = Math.max(0, backlog + sent - output);
  }
  return best;
}

/**
 * Tells the run's story: how fast events came in and went out, whether output stalled or came in
 * bursts, the latency, and where the time went (the stage that took most batch time, dependencies
 * that failed or were slow), from the run timeline and the processor's metrics.
 */
export function runStory(result: Pick<DemoResult, 'send' | 'stats' | 'live' | 'options'>): RunStory {
  const { send, stats } = result;
  const timeline = stats.timeline;
  const stall = longestStall(timeline);
  const latency = stats.latencyMs;
  const sentences: string[] = [];
  sentences.push(
    `The producer sent ${formatCount(send.accepted)} events at ${formatCount(Math.round(send.achievedRatePerSecond))}/s over ${(send.durationMs / 1000).toFixed(1)} s (target ${formatCount(send.targetRatePerSecond ?? 0)}/s).`,
  );
  const firstOutput = timeline.find(({ output }) => output > 0);
  const lastOutput = [...timeline].reverse().find(({ output }) => output > 0);
  if (firstOutput !== undefined && lastOutput !== undefined) {
    sentences.push(
      `Output started at second ${firstOutput.second} and ended at second ${lastOutput.second}, peaking at ${formatCount(stats.throughput.peakPerSecond)} events in one second.`,
    );
  }
  if (stall !== undefined && stall.seconds >= STALL_SECONDS) {
    sentences.push(`Nothing came out from second ${stall.fromSecond} to second ${stall.toSecond} (${stall.seconds} s) although events were waiting; output then came in bursts.`);
  }
  if (latency !== undefined) sentences.push(`Half the events took ${formatMs(latency.p50)} or less from their scheduled send to the output stream; 99 % took ${formatMs(latency.p99)} or less.`);
  const view = viewSeries(result.live);
  const top = view.stageShares[0];
  if (top !== undefined) {
    sentences.push(`Most of the processor's batch time went to ${top.stage} (${Math.round(top.share * 100)} %, ${formatMs(top.meanMs)} per batch on average).`);
  }
  const troubled = view.dependencies.filter((row) => row.errors + row.throttled > 0);
  for (const row of troubled) sentences.push(`${row.dependency}: ${formatCount(row.errors)} errors and ${formatCount(row.throttled)} throttles in ${formatCount(row.calls)} calls.`);
  const slowest = [...view.dependencies].filter((row) => row.meanLatencyMs !== undefined).sort((a, b) => (b.meanLatencyMs ?? 0) - (a.meanLatencyMs ?? 0))[0];
  if (slowest?.meanLatencyMs !== undefined) sentences.push(`The slowest dependency was ${slowest.dependency} (${formatMs(slowest.meanLatencyMs)} per call on average).`);
  const cpu = view.cpuPercent.points.map(([, value]) => value ?? 0);
  const busyCpu = cpu.length > 0 ? Math.max(...cpu) : undefined;
  if (busyCpu !== undefined) sentences.push(`The processor used up to ${Math.round(busyCpu)} % of one CPU core.`);

  const slow = latency !== undefined && latency.p50 > SLOW_P50_MS;
  const stalled = stall !== undefined && stall.seconds >= STALL_SECONDS;
  const severity: StorySeverity = slow || stalled ? 'warn' : 'ok';
  const cause = top === undefined ? '' : `; most batch time went to ${top.stage}${troubled.length > 0 ? ` and ${troubled.map(({ dependency }) => dependency).join(', ')} failed calls` : ''}`;
  const headline =
    severity === 'ok'
      ? `The pipeline kept up: p50 latency ${latency === undefined ? 'n/a' : formatMs(latency.p50)}, no stall.`
      : `The pipeline fell behind${stalled ? ` (no output for ${stall?.seconds} s)` : ''}: p50 latency ${latency === undefined ? 'n/a' : formatMs(latency.p50)}${cause}.`;
  return { severity, headline, sentences, stall };
}
