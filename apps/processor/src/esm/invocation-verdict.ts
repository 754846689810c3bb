/**
 * How one invocation ended, as the mapping sees it. `returned` carries the handler's resolved value
 * (anything: the mapping validates it); the three errors are the ones Lambda reports for a function
 * that threw, ran past its timeout, or whose runtime died.
 */
export type InvocationResult =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'error'; readonly errorType: FunctionErrorType; readonly message: string };

/** `Unhandled` (the handler threw), `Sandbox.Timedout` (timeout), `Runtime.ExitError` (the runtime crashed). */
export type FunctionErrorType = 'Unhandled' | 'Sandbox.Timedout' | 'Runtime.ExitError';

/** What the mapping makes of an invocation's result, for a batch with `ReportBatchItemFailures`. */
export type BatchVerdict =
  | { readonly kind: 'success' }
  /** Records before `failedIndex` succeeded; it and the records after it are retried. */
  | { readonly kind: 'partial'; readonly failedIndex: number }
  /** The whole batch failed: a function error, or a response the mapping rejects. */
  | { readonly kind: 'failure'; readonly reason: string; readonly functionError: boolean };

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an invocation's result the way the mapping does with `ReportBatchItemFailures` on
 * (Developer Guide, "Configuring partial batch response with Kinesis", success and failure
 * conditions):
 * - success: a null or empty response, or a null or empty `batchItemFailures` list;
 * - complete failure: a function error, or an item whose `itemIdentifier` is null, empty, under
 *   another key name, or (the emulator's strict reading) not the sequence number of a record of
 *   this batch;
 * - otherwise the lowest reported sequence number is the checkpoint: the records before it
 *   succeeded, the mapping retries from it.
 */
export function batchVerdictOf(records: readonly { readonly sequenceNumber: string }[], result: InvocationResult): BatchVerdict {
  if (result.kind === 'error') return { kind: 'failure', reason: `${result.errorType}: ${result.message}`, functionError: true };
  const response = result.value;
  if (response === null || response === undefined) return { kind: 'success' };
  if (!isRecord(response)) return { kind: 'failure', reason: `the response is not an object: ${JSON.stringify(response)}`, functionError: false };
  const failures = response['batchItemFailures'];
  if (failures === null || failures === undefined) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure', reason: 'batchItemFailures is not a list', functionError: false };
  if (failures.length === 0) return { kind: 'success' };
  const indexBySequence = new Map(records.map((record, index) => [record.sequenceNumber, index]));
  let failedIndex = Number.POSITIVE_INFINITY;
  for (const item of failures as readonly unknown[]) {
    const identifier = isRecord(item) ? item['itemIdentifier'] : undefined;
    if (typeof identifier !== 'string' || identifier === '') {
      return { kind: 'failure', reason: `invalid batch item failure ${JSON.stringify(item)}`, functionError: false };
    }
    const index = indexBySequence.get(identifier);
    if (index === undefined) return { kind: 'failure', reason: `batch item failure ${identifier} is not a record of this batch`, functionError: false };
    failedIndex = Math.min(failedIndex, index);
  }
  return { kind: 'partial', failedIndex };
}
