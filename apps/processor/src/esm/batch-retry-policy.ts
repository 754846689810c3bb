import type { BatchVerdict } from './invocation-verdict';

/** A batch (or a part of one, after a partial failure or a bisect) waiting for its next invocation. */
export interface BatchAttempt<R> {
  readonly records: readonly R[];
  /** Retries already spent on these records; bisecting does not spend any. */
  readonly retries: number;
  /** Invocations of exactly these records so far (`approximateInvokeCount`). */
  readonly invocations: number;
}

/** Why the mapping gave up on records (the `condition` of the on-failure record). */
export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** Records the mapping gives up on, sent to the on-failure destination. */
export interface Discard<R> {
  readonly records: readonly R[];
  readonly condition: DiscardCondition;
  readonly invocations: number;
  /** Set when the last invocation ended in a function error (timeout, crash, throw). */
  readonly functionError: boolean;
}

/** What to do after an invocation. */
export interface RetryDecision<R> {
  /** Records that succeeded: the checkpoint moves past them. */
  readonly succeeded: readonly R[];
  /** Records given up on; the checkpoint moves past them too. */
  readonly discarded?: Discard<R>;
  /** What to invoke next, in this order, before anything newer from the shard. */
  readonly next: readonly BatchAttempt<R>[];
}

/** The mapping's retry settings. */
export interface RetryPolicySettings {
  /** `MaximumRetryAttempts`: retries of a failing batch before it is discarded. */
  readonly retryAttempts: number;
  /** `BisectBatchOnFunctionError`. */
  readonly bisectBatchOnFunctionError: boolean;
}

/**
 * The mapping's error handling after one invocation of `attempt` (Developer Guide, "Using Lambda
 * with Kinesis", error handling, and "Configuring partial batch response", bisecting a batch):
 * - success: everything checkpoints;
 * - partial failure: the records before the reported one checkpoint and the rest is retried (with
 *   bisect on, "the batch is bisected at the returned sequence number and Lambda retries only the
 *   remaining records"); the retry counts against `MaximumRetryAttempts`;
 * - complete failure with bisect on and more than one record: the batch is split in two halves,
 *   retried in order; "splitting a batch does not count towards the retry quota";
 * - otherwise the whole batch is retried, until `MaximumRetryAttempts` retries are spent: then it is
 *   discarded (`RetryAttemptsExhausted`) and the shard moves on.
 */
export function decideAfterInvocation<R>(attempt: BatchAttempt<R>, verdict: BatchVerdict, settings: RetryPolicySettings): RetryDecision<R> {
  const invoked = { ...attempt, invocations: attempt.invocations + 1 };
  if (verdict.kind === 'success') return { succeeded: attempt.records, next: [] };
  if (verdict.kind === 'partial') {
    const succeeded = attempt.records.slice(0, verdict.failedIndex);
    const remaining = { ...invoked, records: attempt.records.slice(verdict.failedIndex) };
    return { succeeded, ...retryOrDiscard(remaining, false, settings) };
  }
  if (verdict.functionError && settings.bisectBatchOnFunctionError && attempt.records.length > 1) {
    const middle = Math.ceil(attempt.records.length / 2);
    return {
      succeeded: [],
      next: [
        { records: attempt.records.slice(0, middle), retries: attempt.retries, invocations: 0 },
        { records: attempt.records.slice(middle), retries: attempt.retries, invocations: 0 },
      ],
    };
  }
  return { succeeded: [], ...retryOrDiscard(invoked, verdict.functionError, settings) };
}

function retryOrDiscard<R>(attempt: BatchAttempt<R>, functionError: boolean, settings: RetryPolicySettings): Pick<RetryDecision<R>, 'discarded' | 'next'> {
  // -1 (AWS's infinite): retried until the records are too old (see splitExpired), never by count.
  if (settings.retryAttempts !== -1 && attempt.retries >= settings.retryAttempts) {
    return { discarded: { records: attempt.records, condition: 'RetryAttemptsExhausted', invocations: attempt.invocations, functionError }, next: [] };
  }
  return { next: [{ ...attempt, retries: attempt.retries + 1 }] };
}

/**
 * `MaximumRecordAgeInSeconds`: the records older than `maxAgeMs` at `nowMs`, discarded before an
 * invocation (`RecordAgeExceeded`), and the rest. Records of a shard arrive in order, so the
 * expired ones are a prefix; the split keeps that order even if arrival times are not monotonic.
 */
export function splitExpired<R extends { readonly arrivalTime: Date }>(records: readonly R[], nowMs: number, maxAgeMs: number): { readonly expired: readonly R[]; readonly fresh: readonly R[] } {
  let cut = 0;
  records.forEach((record, index) => {
    if (nowMs - record.arrivalTime.getTime() > maxAgeMs) cut = index + 1;
  });
  return { expired: records.slice(0, cut), fresh: records.slice(cut) };
}
