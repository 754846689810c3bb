import { z } from 'zod';

/**
 * Reading the processor's own log (pino JSON lines): its readiness and stop messages, its metrics
 * snapshots and its pid.
 */

/** What the local runner logs once it polls every shard. */
export const RUNNER_READY_MESSAGE = 'processor running';
/** What the local runner logs when its drain has finished, just before it exits 0. */
export const RUNNER_STOPPED_MESSAGE = 'processor stopped';

const observationSchema = z.object({ count: z.number(), sum: z.number(), min: z.number(), max: z.number() });

/** A metrics snapshot the local runner logs every 15 s (`metrics`) and at its stop (`processor stopped`). */
export const runnerMetricsSchema = z.object({
  counters: z.record(z.string(), z.number()),
  observations: z.record(z.string(), observationSchema),
});
export type RunnerMetrics = z.infer<typeof runnerMetricsSchema>;

const METRICS_MESSAGES = new Set(['metrics', RUNNER_STOPPED_MESSAGE]);
const logLineSchema = z.looseObject({ msg: z.string() });

/**
 * The last metrics snapshot in the runner's output (JSON lines), or undefined when it logged none
 * (e.g. `LOG_LEVEL=warn`). Lines that are not JSON are skipped.
 *
 * @example
 * const metrics = lastRunnerMetrics(pipeline.runner.output());
 * counterOf(metrics, 'DuplicatesSkipped');
 */
export function lastRunnerMetrics(output: string): RunnerMetrics | undefined {
  const lines = output.split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index]?.trim() ?? '';
    if (!line.startsWith('{')) continue;
    const decoded = logLineSchema.safeParse(parseJsonLine(line));
    if (!decoded.success || !METRICS_MESSAGES.has(decoded.data.msg)) continue;
    const metrics = runnerMetricsSchema.safeParse(decoded.data);
    if (metrics.success) return metrics.data;
  }
  return undefined;
}

/** A counter of a snapshot (`Name` or `Name{k=v}`), 0 when absent. */
export function counterOf(metrics: RunnerMetrics | undefined, key: string): number {
  return metrics?.counters[key] ?? 0;
}

/** Counters of one metric by one dimension, e.g. `DeadLetters{reason=…}` → `{ 'bad-format': 3 }`. */
export function countersByDimension(metrics: RunnerMetrics | undefined, name: string, dimension: string): Record<string, number> {
  const prefix = `${name}{${dimension}=`;
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics?.counters ?? {})) {
    if (key.startsWith(prefix) && key.endsWith('}')) result[key.slice(prefix.length, -1)] = value;
  }
  return result;
}

const pidLineSchema = z.looseObject({ pid: z.number().int().positive() });

/** The pid in the runner's first JSON log line (pino adds it): the processor's own process. */
export function runnerPidOf(output: string): number | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const decoded = pidLineSchema.safeParse(parseJsonLine(line));
    if (decoded.success) return decoded.data.pid;
  }
  return undefined;
}

/** The JSON value of `text`, or undefined when it is not JSON (log lines may be plain text). */
export function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
