import type { ProcessorSample } from './processor-sample';

/** A company at risk of churn, from its latest enriched record. */
export interface ChurnRiskRow {
  readonly companyID: string;
  readonly industry: string;
  readonly churnProbability: number;
  readonly monthlyFee: number;
  /** `churnProbability × monthlyFee`: what ranks the table (probabilities alone tie at 1.0). */
  readonly monthlyFeeAtRisk: number;
  readonly job30: number;
  readonly job90: number;
}

/** The churn-risk table and how it was made. */
export interface ChurnRiskView {
  /** A company is flagged when the model's probability is at least this (`CHURN_THRESHOLD`). */
  readonly threshold: number;
  /** Distinct companies in the output so far. */
  readonly companies: number;
  readonly flagged: number;
  /** Flagged companies, highest monthly fee at risk first. */
  readonly top: readonly ChurnRiskRow[];
}

/** One dead-letter reason: how many and one example. */
export interface DeadLetterReasonView {
  readonly reason: string;
  readonly stage: string;
  readonly count: number;
  readonly message: string;
  /** The example record's payload (UTF-8, shortened), or its base64 when not text. */
  readonly sampleRecord: string;
  readonly sampleKey: string;
}

/** Enriched events seen on the output stream in one second, by source shard (`<stream>/<shardId>`). */
export interface OutputSecond {
  readonly atMs: number;
  readonly byShard: Readonly<Record<string, number>>;
  /** The oldest event output in that second, by source shard: milliseconds from its scheduled send (`sentAt`) to its output. */
  readonly maxAgeMsByShard: Readonly<Record<string, number>>;
}

/**
 * Everything the live view (and the run report's shared charts) show: the processor's metric
 * samples, output per source shard, dead-letter examples and the churn-risk table.
 */
export interface LiveModel {
  readonly generatedAtMs: number;
  /** Where the processor's metrics come from, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly processorMetricsUrl: string | undefined;
  /** Why the last reading of the processor's metrics failed, if it did. */
  readonly processorError: string | undefined;
  /** Oldest first, about one a second. */
  readonly samples: readonly ProcessorSample[];
  readonly output: readonly OutputSecond[];
  readonly deadLetters: readonly DeadLetterReasonView[];
  readonly churnRisk: ChurnRiskView;
}
