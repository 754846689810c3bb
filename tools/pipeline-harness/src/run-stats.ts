import { compareSequenceNumbers, type DeadLetter, type EnrichedCompany } from '@tenant-analytics/domain';
import { build as buildHistogram, type Histogram } from 'hdr-histogram-js';
import type { EnrichedObservation } from './enriched-stream-tail';

/**
 * What end-to-end latency is measured to: `output-stream` = when a consumer of the enriched
 * stream first saw the record; `processedAt` = the processor's timestamp in the record (before
 * its sinks publish, so slightly lower). Both start at the event's `sentAt`, its scheduled send
 * time, so producer lag counts too (no coordinated omission).
 */
export type LatencyBasis = 'output-stream' | 'processedAt';

/** Latency percentiles in milliseconds (HDR histogram, 3 significant digits). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** One second of the run, counted from the first `sentAt`. */
export interface TimelineBucket {
  /** Seconds since the run's origin. */
  readonly second: number;
  /** Enriched events scheduled (sentAt) in this second. */
  readonly sent: number;
  /** Enriched events output in this second. */
  readonly output: number;
  /** Latency of the events output in this second; absent when none was. */
  readonly latency?: { readonly p50: number; readonly p99: number };
}

/** A company flagged as a churn risk, from its latest enriched record. */
export interface ChurnRiskRow {
  readonly companyID: string;
  readonly industry: string;
  readonly churnProbability: number;
  readonly job30: number;
  readonly job90: number;
  readonly employees: number;
  readonly monthlyFee: number;
  readonly eventTime: string;
}

/** What {@link collectRunStats} computes. */
export interface RunStats {
  readonly latencyBasis: LatencyBasis;
  /** Distinct enriched events. */
  readonly enriched: number;
  /** Enriched events without `sentAt` (sent by a producer other than ours): not in the latency figures. */
  readonly withoutSentAt: number;
  readonly latencyMs: LatencySummary | undefined;
  /** Epoch ms of second 0 of the timeline: the first `sentAt` (or first output). */
  readonly originMs: number;
  readonly timeline: readonly TimelineBucket[];
  readonly throughput: {
    /** Enriched events per second from the first `sentAt` to the last output. */
    readonly meanPerSecond: number;
    /** Most events output in one timeline second. */
    readonly peakPerSecond: number;
    readonly spanMs: number;
  };
  readonly deadLetters: number;
  /** Dead letters by reason, most frequent first. */
  readonly deadLettersByReason: Readonly<Record<string, number>>;
  readonly churnRisk: {
    /** Distinct companies in the output. */
    readonly companies: number;
    /** Companies whose latest record says `riskOfChurn`. */
    readonly flagged: number;
    /** The `topN` flagged companies by probability, highest first. */
    readonly top: readonly ChurnRiskRow[];
  };
}

/** Input of {@link collectRunStats}. */
export interface RunStatsInput {
  /** One per distinct event (e.g. {@link EnrichedStreamTail.observations} or {@link observationsFromProcessedAt}). */
  readonly observations: readonly EnrichedObservation[];
  readonly deadLetters: readonly DeadLetter[];
  readonly latencyBasis: LatencyBasis;
  /** @default 10 */
  readonly topN?: number;
}

const newHistogram = (): Histogram => buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3, autoResize: true });

function summarize(histogram: Histogram): LatencySummary {
  return {
    count: histogram.totalCount,
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    max: histogram.maxValue,
    mean: Math.round(histogram.mean * 10) / 10,
  };
}

function churnRisk(observations: readonly EnrichedObservation[], topN: number): RunStats['churnRisk'] {
  // A company's records all come from one shard (partition key = companyID): the latest has the highest sequence number.
  const latest = new Map<string, EnrichedCompany>();
  for (const { record } of observations) {
    const current = latest.get(record.companyID);
    if (current === undefined || compareSequenceNumbers(record.source.sequenceNumber, current.source.sequenceNumber) > 0) latest.set(record.companyID, record);
  }
  const flagged = [...latest.values()].filter((record) => record.riskOfChurn === true);
  const top = flagged
    .sort((a, b) => (b.churnProbability ?? 0) - (a.churnProbability ?? 0) || a.companyID.localeCompare(b.companyID))
    .slice(0, topN)
    .map((record) => ({
      companyID: record.companyID,
      industry: record.industry,
      churnProbability: record.churnProbability ?? 0,
      job30: record.job30,
      job90: record.job90,
      employees: record.employees,
      monthlyFee: record.monthlyFee,
      eventTime: record.eventTime,
    }));
  return { companies: latest.size, flagged: flagged.length, top };
}

/**
 * Statistics of a run from its enriched observations and dead letters: end-to-end latency
 * percentiles (HDR histogram from each event's `sentAt`), a per-second timeline of events sent and
 * output with latency, throughput, dead letters by reason and the companies at risk of churn.
 * Pure: give it the same input, get the same figures.
 *
 * @example
 * const stats = collectRunStats({ observations: tail.observations(), deadLetters: await probe.deadLetters(), latencyBasis: 'output-stream' });
 * stats.latencyMs?.p99;
 */
export function collectRunStats(input: RunStatsInput): RunStats {
  const overall = newHistogram();
  const timed = input.observations.flatMap(({ record, outputAtMs }) => (record.sentAt === undefined ? [] : [{ sentAtMs: Date.parse(record.sentAt), outputAtMs }]));
  const origins = timed.length > 0 ? timed.map(({ sentAtMs }) => sentAtMs) : input.observations.map(({ outputAtMs }) => outputAtMs);
  const originMs = origins.reduce((min, ms) => Math.min(min, ms), origins[0] ?? 0);
  const lastOutputMs = input.observations.reduce((max, { outputAtMs }) => Math.max(max, outputAtMs), originMs);
  const secondOf = (ms: number): number => Math.max(0, Math.floor((ms - originMs) / 1000));

  const seconds = input.observations.length > 0 ? secondOf(lastOutputMs) + 1 : 0;
  const sent = new Array<number>(seconds).fill(0);
  const output = new Array<number>(seconds).fill(0);
  const perSecond = new Map<number, Histogram>();
  for (const { outputAtMs } of input.observations) {
    const second = secondOf(outputAtMs);
    output[second] = (output[second] ?? 0) + 1;
  }
  for (const { sentAtMs, outputAtMs } of timed) {
    const latencyMs = Math.max(0, Math.round(outputAtMs - sentAtMs));
    overall.recordValue(latencyMs);
    const second = secondOf(outputAtMs);
    const bucket = perSecond.get(second) ?? newHistogram();
    bucket.recordValue(latencyMs);
    perSecond.set(second, bucket);
    const sentSecond = Math.min(secondOf(sentAtMs), seconds - 1);
    sent[sentSecond] = (sent[sentSecond] ?? 0) + 1;
  }
  const timeline = output.map((count, second): TimelineBucket => {
    const bucket = perSecond.get(second);
    return {
      second,
      sent: sent[second] ?? 0,
      output: count,
      ...(bucket === undefined ? {} : { latency: { p50: bucket.getValueAtPercentile(50), p99: bucket.getValueAtPercentile(99) } }),
    };
  });

  const byReason: Record<string, number> = {};
  for (const { reason } of input.deadLetters) byReason[reason] = (byReason[reason] ?? 0) + 1;
  const spanMs = Math.max(0, lastOutputMs - originMs);
  return {
    latencyBasis: input.latencyBasis,
    enriched: input.observations.length,
    withoutSentAt: input.observations.length - timed.length,
    latencyMs: timed.length > 0 ? summarize(overall) : undefined,
    originMs,
    timeline,
    throughput: {
      meanPerSecond: spanMs > 0 ? Math.round((input.observations.length * 1000 * 10) / spanMs) / 10 : input.observations.length,
      peakPerSecond: output.reduce((max, count) => Math.max(max, count), 0),
      spanMs,
    },
    deadLetters: input.deadLetters.length,
    deadLettersByReason: Object.fromEntries(Object.entries(byReason).sort(([a, x], [b, y]) => y - x || a.localeCompare(b))),
    churnRisk: churnRisk(input.observations, input.topN ?? 10),
  };
}
