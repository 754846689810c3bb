import type { LiveModel } from './live-model';
import type { DependencyTotals, ProcessorSample } from './processor-sample';

/** A named series of (time in epoch ms, value) points; `null` where there is no value. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number | null])[];
}

/** A dependency's figures over the whole history and now. */
export interface DependencyRow {
  readonly dependency: string;
  readonly calls: number;
  readonly errors: number;
  readonly throttled: number;
  readonly retries: number;
  readonly meanLatencyMs: number | undefined;
  /** Calls per second over the last interval. */
  readonly callsPerSecond: number;
  readonly breaker: 'open' | 'closed' | 'none';
}

/** The headline figures (latest sample). */
export interface Headline {
  readonly recordsIn: number;
  readonly enriched: number;
  readonly deadLetters: number;
  readonly duplicatesSkipped: number;
  readonly commitConflicts: number;
  readonly pendingRecovered: number;
  readonly maxLagMs: number;
  /** CPU use over the last interval, in % of one core. */
  readonly cpuPercent: number | undefined;
  readonly residentMb: number;
}

/** Every chart's data, derived from the samples (rates are per second between consecutive samples). */
export interface ViewSeries {
  readonly headline: Headline | undefined;
  readonly inputByStream: readonly Series[];
  readonly outputByStream: readonly Series[];
  readonly readByShard: readonly Series[];
  readonly outputByShard: readonly Series[];
  readonly lagByLane: readonly Series[];
  /** The oldest event output in each second by source shard (ms from its scheduled send): the lag a consumer sees. */
  readonly outputAgeByShard: readonly Series[];
  /** Milliseconds of batch time per second of wall time, by stage. */
  readonly stageMsPerSecond: readonly Series[];
  /** Share of batch time by stage over the whole history (0–1), largest first. */
  readonly stageShares: readonly { readonly stage: string; readonly share: number; readonly totalMs: number; readonly meanMs: number }[];
  readonly deadLettersByReason: readonly Series[];
  readonly dependencyLatency: readonly Series[];
  readonly dependencyErrors: readonly Series[];
  readonly dependencies: readonly DependencyRow[];
  readonly cpuPercent: Series;
  readonly residentMb: Series;
  /** Checkpoint progress: batches completed per second, by lane. */
  readonly checkpointsByLane: readonly Series[];
  /** Seconds since each lane's last checkpoint, at the latest sample. */
  readonly checkpointAgeSeconds: readonly { readonly lane: string; readonly ageSeconds: number }[];
}

/** The stages in pipeline order (see the processor's StageTimer). */
export const STAGES = ['read', 'compute', 'commit', 'publish', 'complete'] as const;

const sum = (values: Readonly<Record<string, number>>): number => Object.values(values).reduce((total, value) => total + value, 0);

function keysOf(samples: readonly ProcessorSample[], pick: (sample: ProcessorSample) => Readonly<Record<string, unknown>>): string[] {
  return [...new Set(samples.flatMap((sample) => Object.keys(pick(sample))))].sort();
}

/** Per-second rate of a cumulative counter between consecutive samples (a counter reset gives no point). */
function rate(samples: readonly ProcessorSample[], value: (sample: ProcessorSample) => number | undefined): (readonly [number, number | null])[] {
  const points: (readonly [number, number | null])[] = [];
  for (let i = 1; i < samples.length; i++) {
    const previous = samples[i - 1] as ProcessorSample;
    const current = samples[i] as ProcessorSample;
    const seconds = (current.atMs - previous.atMs) / 1000;
    const delta = (value(current) ?? 0) - (value(previous) ?? 0);
    points.push([current.atMs, seconds > 0 && delta >= 0 ? Math.round((delta / seconds) * 10) / 10 : null]);
  }
  return points;
}

function ratesBy(samples: readonly ProcessorSample[], pick: (sample: ProcessorSample) => Readonly<Record<string, number>>): Series[] {
  return keysOf(samples, pick).map((key) => ({ name: key, points: rate(samples, (sample) => pick(sample)[key]) }));
}

function dependencyRow(dependency: string, latest: DependencyTotals, previous: DependencyTotals | undefined, seconds: number): DependencyRow {
  return {
    dependency,
    calls: latest.calls,
    errors: latest.errors,
    throttled: latest.throttled,
    retries: latest.retries,
    meanLatencyMs: latest.latencyCount > 0 ? Math.round((latest.latencySumMs / latest.latencyCount) * 10) / 10 : undefined,
    callsPerSecond: previous === undefined || seconds <= 0 ? 0 : Math.round(((latest.calls - previous.calls) / seconds) * 10) / 10,
    breaker: latest.breakerOpen === undefined ? 'none' : latest.breakerOpen > 0 ? 'open' : 'closed',
  };
}

/** Derives every chart's series and the headline figures from a {@link LiveModel}. Pure. */
export function viewSeries(model: Pick<LiveModel, 'samples' | 'output'>): ViewSeries {
  const { samples } = model;
  const latest = samples.at(-1);
  const previous = samples.at(-2);
  const seconds = latest !== undefined && previous !== undefined ? (latest.atMs - previous.atMs) / 1000 : 0;
  const shards = [...new Set(model.output.flatMap(({ byShard }) => Object.keys(byShard)))].sort();
  const stageTotals = STAGES.map((stage) => ({ stage, totalMs: latest?.stages[stage]?.sumMs ?? 0, count: latest?.stages[stage]?.count ?? 0 }));
  const allStageMs = stageTotals.reduce((total, { totalMs }) => total + totalMs, 0);
  const dependencies = latest === undefined ? [] : Object.entries(latest.dependencies).map(([name, totals]) => dependencyRow(name, totals, previous?.dependencies[name], seconds));
  return {
    headline:
      latest === undefined
        ? undefined
        : {
            recordsIn: sum(latest.recordsIn),
            enriched: sum(latest.enriched),
            deadLetters: sum(latest.deadLetters),
            duplicatesSkipped: latest.duplicatesSkipped,
            commitConflicts: latest.commitConflicts,
            pendingRecovered: latest.pendingRecovered,
            maxLagMs: Math.max(0, ...Object.values(latest.lagMs)),
            cpuPercent: previous === undefined || seconds <= 0 ? undefined : Math.round(((latest.cpuSeconds - previous.cpuSeconds) / seconds) * 1000) / 10,
            residentMb: Math.round(latest.residentBytes / 1e5) / 10,
          },
    inputByStream: ratesBy(samples, (sample) => sample.recordsIn),
    outputByStream: ratesBy(samples, (sample) => sample.enriched),
    readByShard: ratesBy(samples, (sample) => sample.recordsRead),
    outputByShard: shards.map((shard) => ({ name: shard, points: model.output.map(({ atMs, byShard }) => [atMs, byShard[shard] ?? 0] as const) })),
    outputAgeByShard: shards.map((shard) => ({
      name: shard,
      points: model.output.map(({ atMs, maxAgeMsByShard }) => [atMs, maxAgeMsByShard[shard] === undefined ? null : Math.round(maxAgeMsByShard[shard] as number)] as const),
    })),
    lagByLane: keysOf(samples, (sample) => sample.lagMs).map((lane) => ({ name: lane, points: samples.map((sample) => [sample.atMs, sample.lagMs[lane] ?? null] as const) })),
    stageMsPerSecond: STAGES.map((stage) => ({ name: stage, points: rate(samples, (sample) => sample.stages[stage]?.sumMs) })),
    stageShares: stageTotals
      .filter(({ totalMs }) => totalMs > 0)
      .map(({ stage, totalMs, count }) => ({ stage, totalMs: Math.round(totalMs), share: allStageMs > 0 ? totalMs / allStageMs : 0, meanMs: count > 0 ? Math.round((totalMs / count) * 10) / 10 : 0 }))
      .sort((a, b) => b.share - a.share),
    deadLettersByReason: ratesBy(samples, (sample) => sample.deadLetters),
    dependencyLatency: keysOf(samples, (sample) => sample.dependencies).map((name) => ({
      name,
      points: samples.slice(1).map((sample, index) => {
        const before = (samples[index] as ProcessorSample).dependencies[name];
        const now = sample.dependencies[name];
        const calls = (now?.latencyCount ?? 0) - (before?.latencyCount ?? 0);
        return [sample.atMs, calls > 0 ? Math.round((((now?.latencySumMs ?? 0) - (before?.latencySumMs ?? 0)) / calls) * 10) / 10 : null] as const;
      }),
    })),
    dependencyErrors: keysOf(samples, (sample) => sample.dependencies).map((name) => ({
      name,
      points: rate(samples, (sample) => {
        const totals = sample.dependencies[name];
        return totals === undefined ? undefined : totals.errors + totals.throttled;
      }),
    })),
    dependencies,
    cpuPercent: { name: 'CPU (% of one core)', points: rate(samples, (sample) => sample.cpuSeconds * 100) },
    residentMb: { name: 'resident memory (MB)', points: samples.map((sample) => [sample.atMs, Math.round(sample.residentBytes / 1e5) / 10] as const) },
    checkpointsByLane: ratesBy(samples, (sample) => sample.batchesCompletedByLane),
    checkpointAgeSeconds:
      latest === undefined ? [] : Object.entries(latest.lastCheckpointSeconds).map(([lane, at]) => ({ lane, ageSeconds: Math.max(0, Math.round((latest.atMs / 1000 - at) * 10) / 10) })),
  };
}
