import type { SendSummary } from '@tenant-analytics/job-producer';
import type { LocalEndpoints, PortName } from '@tenant-analytics/local-stack';
import type { LiveModel } from '@tenant-analytics/live-view';
import type { RunnerMetrics, RunStats } from '@tenant-analytics/pipeline-harness';
import type { DemoOptions } from './demo-options';

/** Where every accepted event went, against what the producer generated. */
export interface Accounting {
  /** Records Kinesis accepted on the jobs stream. */
  readonly accepted: number;
  /** Distinct eventIDs in the S3 sink. */
  readonly enriched: number;
  /** Lines in the S3 sink (equal to `enriched` when S3 holds no duplicate). */
  readonly enrichedLines: number;
  readonly deadLetters: number;
  /** The processor's `DuplicatesSkipped` counter. */
  readonly duplicatesSkipped: number;
  /** Distinct eventIDs a consumer read from the enriched stream. */
  readonly onStream: number;
  /** What the producer generated: the outcomes the pipeline owes. */
  readonly expected: { readonly enriched: number; readonly deadLetters: number; readonly duplicates: number };
  /** enriched + deadLetters + duplicatesSkipped = accepted, S3 holds no duplicate and the stream has every enriched event. */
  readonly balanced: boolean;
  /** Each way it does not balance, in words (empty when balanced). */
  readonly problems: readonly string[];
}

/** Compares the sinks and the processor's counters with what was sent. */
export function accountFor(input: {
  readonly send: Pick<SendSummary, 'accepted' | 'valid' | 'duplicates' | 'invalid'>;
  readonly enriched: number;
  readonly enrichedLines: number;
  readonly deadLetters: number;
  readonly duplicatesSkipped: number;
  readonly onStream: number;
}): Accounting {
  const { send, enriched, enrichedLines, deadLetters, duplicatesSkipped, onStream } = input;
  const expected = { enriched: send.valid, deadLetters: send.invalid.total, duplicates: send.duplicates };
  const problems: string[] = [];
  const accounted = enriched + deadLetters + duplicatesSkipped;
  if (accounted !== send.accepted) {
    problems.push(`enriched ${enriched} + dead-lettered ${deadLetters} + duplicates skipped ${duplicatesSkipped} = ${accounted}, but ${send.accepted} events were accepted`);
  }
  if (enrichedLines !== enriched) problems.push(`the S3 sink holds ${enrichedLines - enriched} duplicate line(s)`);
  if (onStream !== enriched) problems.push(`the enriched stream showed ${onStream} of the ${enriched} enriched events`);
  return { accepted: send.accepted, enriched, enrichedLines, deadLetters, duplicatesSkipped, onStream, expected, balanced: problems.length === 0, problems };
}

/** Where the outputs of a run are. */
export interface DemoOutputs {
  /** `s3://bucket/churn/data/` */
  readonly enrichedUri: string;
  /** `s3://bucket/dead-letters/` */
  readonly deadLettersUri: string;
  readonly enrichedObjects: number;
  /** One enriched object key, for the `aws s3 cp` example. */
  readonly sampleKey: string | undefined;
  /** A company with a state item, for the `dynamodb get-item` example. */
  readonly sampleCompanyID: string | undefined;
}

/** Everything the summary and the HTML report show. */
export interface DemoResult {
  readonly options: DemoOptions;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly endpoints: LocalEndpoints;
  /** Fixed ports that were taken, so a free port was used instead. */
  readonly portFallbacks: readonly { readonly name: PortName; readonly port: number }[];
  readonly seeded: { readonly companies: number; readonly durationMs: number };
  readonly send: SendSummary;
  /** How long the pipeline took to process everything after the last event was sent. */
  readonly drainMs: number;
  readonly accounting: Accounting;
  readonly stats: RunStats;
  /** The processor's last metrics snapshot (at its stop, or its latest periodic one with --keep-running). */
  readonly processorMetrics: RunnerMetrics | undefined;
  readonly outputs: DemoOutputs;
  /** True with --keep-running: the AWS CLI commands work right now. */
  readonly stackRunning: boolean;
  /** What the live view showed at the end of the run: the processor's metric history, output per shard, dead-letter examples, churn risk. */
  readonly live: LiveModel;
  /** End-to-end latency distribution: `[ms, share of events at or below]`. */
  readonly latencyCdf: readonly (readonly [number, number])[];
}
