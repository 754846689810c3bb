import { counterOf, lastRunnerMetrics, waitUntilDrained } from '@tenant-analytics/pipeline-harness';
import type { KinesisBackend } from '@tenant-analytics/local-stack';
import type { ChaosPipeline } from '../chaos-pipeline';
import { residentKib, slope, type Sample } from '../process-tree';
import { formatMs } from '../report';
import { LOG_LEVEL, runnerLogLines } from '../runner-log';
import { check, runOnPipeline, type Scenario } from '../scenario';

/** Length and load of scenario 6. */
export interface SoakOptions {
  readonly minutes: number;
  /** Events of the calibration burst that measures the sustainable throughput. */
  readonly calibrationEvents: number;
  /** Share of the sustainable throughput to soak at. @default 0.5 */
  readonly loadShare?: number;
  readonly sampleIntervalMs?: number;
  /**
   * The soak measures the runner, not the emulator: kinesis-local persists its whole state every
   * second and slows down as its streams fill (at half the measured throughput, its lag kept
   * growing in a 2-minute trial while kinesalite's stayed under a second).
   * @default 'kinesalite'
   */
  readonly kinesisBackend?: KinesisBackend;
}

/** RSS may grow this much per minute (after the warm-up) and still count as bounded. */
const RSS_SLOPE_LIMIT_MIB_PER_MIN = 1;
/**
 * …or the peak of the last third may sit at most this much above the peak of the first third (a
 * step, e.g. caches filling, then a plateau). Short soaks get more room: their slope is GC noise.
 */
const RSS_PEAK_GROWTH = { long: 0.1, short: 0.25 } as const;
/** Soaks at least this long judge the slope. */
const SLOPE_MINUTES = 5;
/** Lag counts as bounded while the second half's p99 stays under this, or under twice the first half's. */
const LAG_FLOOR_MS = 2_000;
/** The first share of the run is warm-up: JIT, caches and connection pools fill. */
const WARM_UP_SHARE = 0.2;
const MIB = 1024;

/** Events per second the pipeline processes end to end when sent as fast as the stream takes them. */
async function calibrate(pipeline: ChaosPipeline, events: number): Promise<number> {
  const startedMs = Date.now();
  await pipeline.send({ count: events, ratePerSecond: Number.POSITIVE_INFINITY });
  await waitUntilDrained(pipeline.probe, { streams: [pipeline.endpoints.streams.jobs], timeoutMs: 300_000, pollIntervalMs: 200 });
  return (events * 1_000) / (Date.now() - startedMs);
}

/**
 * Scenario 6: `minutes` of valid traffic at half the sustainable throughput (measured first with a
 * burst). The runner's RSS is sampled (`ps -o rss=` of the node process under tsx) and its slope
 * reported; lag (p99 per second, `processedAt − sentAt`) must stay bounded and warnings and errors
 * must not grow.
 */
export function soakScenario(options: SoakOptions): Scenario {
  const meta = { id: 'soak', title: `6 soak ${options.minutes} min` };
  return {
    ...meta,
    run: (settings) =>
      runOnPipeline(meta, settings, { kinesisBackend: options.kinesisBackend ?? 'kinesalite' }, async (pipeline) => {
        const sustainable = await calibrate(pipeline, options.calibrationEvents);
        const rate = Math.max(1, Math.round(sustainable * (options.loadShare ?? 0.5)));
        const durationMs = options.minutes * 60_000;
        settings.progress(`${meta.title}: sustainable ≈ ${Math.round(sustainable)} events/s; soaking at ${rate}/s`);

        const pid = pipeline.runnerPid();
        const samples: Sample[] = [];
        const soakStartMs = Date.now();
        const sample = (): void => {
          const kib = pid === undefined ? undefined : residentKib(pid);
          if (kib !== undefined) samples.push({ x: (Date.now() - soakStartMs) / 60_000, y: kib / MIB });
        };
        sample();
        const timer = setInterval(sample, options.sampleIntervalMs ?? 5_000);
        try {
          await pipeline.send({ count: Math.round((rate * durationMs) / 1_000), ratePerSecond: rate });
        } finally {
          clearInterval(timer);
        }
        sample();
        const soakEndMs = Date.now();
        const output = pipeline.runnerOutput();
        const outcome = await pipeline.finish({ toleratedFailures: [] });

        // Memory: slope after the warm-up, and the peak of the last third against the first third's.
        const warm = samples.filter(({ x }) => x >= (WARM_UP_SHARE * durationMs) / 60_000);
        const third = Math.max(1, Math.floor(warm.length / 3));
        const firstPeak = Math.max(0, ...warm.slice(0, third).map(({ y }) => y));
        const lastPeak = Math.max(0, ...warm.slice(-third).map(({ y }) => y));
        const rssSlope = slope(warm);
        const long = options.minutes >= SLOPE_MINUTES;
        const rssBounded = (long && rssSlope <= RSS_SLOPE_LIMIT_MIB_PER_MIN) || lastPeak <= firstPeak * (1 + (long ? RSS_PEAK_GROWTH.long : RSS_PEAK_GROWTH.short));

        // Lag: p99 per output second, first half against second half of the soak.
        const soakSecond = (ms: number): number => Math.floor((ms - outcome.stats.originMs) / 1_000);
        const midSecond = soakSecond((soakStartMs + soakEndMs) / 2);
        const lagOf = (from: number, to: number): number =>
          Math.max(0, ...outcome.stats.timeline.filter(({ second, latency }) => latency !== undefined && second >= from && second < to).map(({ latency }) => latency?.p99 ?? 0));
        const firstLag = lagOf(soakSecond(soakStartMs), midSecond);
        const secondLag = lagOf(midSecond, soakSecond(soakEndMs) + 1);

        // Warnings and errors per half, and the processor's own error counters.
        const problems = runnerLogLines(output).filter((line) => line.level >= LOG_LEVEL.warn && line.time >= soakStartMs);
        const midMs = (soakStartMs + soakEndMs) / 2;
        const firstProblems = problems.filter((line) => line.time < midMs).length;
        const secondProblems = problems.length - firstProblems;
        const metrics = outcome.lastRunner.metrics ?? lastRunnerMetrics(output);
        return {
          outcome,
          checks: [
            check(
              'runner RSS bounded',
              warm.length >= 3 && rssBounded,
              `slope ${rssSlope.toFixed(2)} MiB/min after warm-up${long ? '' : ` (indicative only under ${SLOPE_MINUTES} min)`}; peak ${firstPeak.toFixed(0)} → ${lastPeak.toFixed(0)} MiB (${samples.length} samples)`,
            ),
            check('lag bounded', secondLag <= Math.max(LAG_FLOOR_MS, 2 * firstLag), `max p99 lag ${formatMs(firstLag)} in the first half, ${formatMs(secondLag)} in the second`),
            check('no error growth', secondProblems <= Math.max(firstProblems, 2) && counterOf(metrics, 'DeadLetters') === 0, `${firstProblems} → ${secondProblems} warnings/errors per half; dead letters ${counterOf(metrics, 'DeadLetters')}, retries ${counterOf(metrics, 'Retries')}`),
          ],
          notes: [
            `${pipeline.endpoints.kinesisBackend}: sustainable ≈ ${Math.round(sustainable)} events/s (burst of ${options.calibrationEvents}); soaked ${options.minutes} min at ${rate}/s`,
            `RSS samples (MiB): ${samples.map(({ y }) => y.toFixed(0)).join(' ')}`,
          ],
        };
      }),
  };
}
