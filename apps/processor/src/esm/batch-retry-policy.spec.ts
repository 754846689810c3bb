import { decideAfterInvocation, splitExpired, type BatchAttempt } from './batch-retry-policy';

const settings = { retryAttempts: 2, bisectBatchOnFunctionError: true };
const attempt = (records: readonly number[], retries = 0, invocations = 0): BatchAttempt<number> => ({ records, retries, invocations });
const functionError = { kind: 'failure', reason: 'Unhandled: boom', functionError: true } as const;

describe('decideAfterInvocation', () => {
  it('checkpoints every record of a successful batch', () => {
    expect(decideAfterInvocation(attempt([1, 2, 3]), { kind: 'success' }, settings)).toEqual({ succeeded: [1, 2, 3], next: [] });
  });

  it('checkpoints the records before a reported failure and retries the rest, spending a retry', () => {
    const decision = decideAfterInvocation(attempt([1, 2, 3, 4]), { kind: 'partial', failedIndex: 2 }, settings);

    expect(decision).toEqual({ succeeded: [1, 2], next: [{ records: [3, 4], retries: 1, invocations: 1 }] });
  });

  it('splits a batch in two on a function error without spending a retry', () => {
    const decision = decideAfterInvocation(attempt([1, 2, 3, 4, 5], 1, 3), functionError, settings);

    expect(decision).toEqual({
      succeeded: [],
      next: [
        { records: [1, 2, 3], retries: 1, invocations: 0 },
        { records: [4, 5], retries: 1, invocations: 0 },
      ],
    });
  });

  it('retries a single record that fails, then discards it once the retries are spent', () => {
    const retried = decideAfterInvocation(attempt([7], 1, 2), functionError, settings);
    const discarded = decideAfterInvocation(attempt([7], 2, 3), functionError, settings);

    expect(retried).toEqual({ succeeded: [], next: [{ records: [7], retries: 2, invocations: 3 }] });
    expect(discarded).toEqual({ succeeded: [], next: [], discarded: { records: [7], condition: 'RetryAttemptsExhausted', invocations: 4, functionError: true } });
  });

  it('never discards by count with retryAttempts -1 (retried until the records are too old)', () => {
    const decision = decideAfterInvocation(attempt([7], 10_000, 10_000), functionError, { ...settings, retryAttempts: -1 });

    expect(decision).toEqual({ succeeded: [], next: [{ records: [7], retries: 10_001, invocations: 10_001 }] });
  });

  it('does not bisect when the batch failed by its response (a rejected batchItemFailures), only retries it', () => {
    const decision = decideAfterInvocation(attempt([1, 2]), { kind: 'failure', reason: 'bad item', functionError: false }, settings);

    expect(decision).toEqual({ succeeded: [], next: [{ records: [1, 2], retries: 1, invocations: 1 }] });
  });

  it('does not bisect when BisectBatchOnFunctionError is off', () => {
    const decision = decideAfterInvocation(attempt([1, 2]), functionError, { ...settings, bisectBatchOnFunctionError: false });

    expect(decision.next).toEqual([{ records: [1, 2], retries: 1, invocations: 1 }]);
  });

  it('discards the remaining records of a partial failure once the retries are spent', () => {
    const decision = decideAfterInvocation(attempt([1, 2, 3], 2, 2), { kind: 'partial', failedIndex: 1 }, settings);

    expect(decision).toEqual({ succeeded: [1], next: [], discarded: { records: [2, 3], condition: 'RetryAttemptsExhausted', invocations: 3, functionError: false } });
  });
});

describe('splitExpired', () => {
  const at = (ms: number) => ({ arrivalTime: new Date(ms), id: ms });

  it('returns the records older than the maximum age as a prefix', () => {
    const { expired, fresh } = splitExpired([at(0), at(500), at(900), at(1_000)], 1_600, 1_000);

    expect({ expired: expired.map((r) => r.id), fresh: fresh.map((r) => r.id) }).toEqual({ expired: [0, 500], fresh: [900, 1_000] });
  });

  it('keeps shard order when an arrival time runs backwards', () => {
    const { expired, fresh } = splitExpired([at(0), at(900), at(100), at(1_000)], 1_600, 1_000);

    expect({ expired: expired.map((r) => r.id), fresh: fresh.map((r) => r.id) }).toEqual({ expired: [0, 900, 100], fresh: [1_000] });
  });
});
