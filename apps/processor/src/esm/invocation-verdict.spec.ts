import { batchVerdictOf, type InvocationResult } from './invocation-verdict';

const records = ['101', '102', '103'].map((sequenceNumber) => ({ sequenceNumber }));
const returned = (value: unknown): InvocationResult => ({ kind: 'returned', value });

describe('batchVerdictOf', () => {
  it.each([undefined, null, {}, { batchItemFailures: null }, { batchItemFailures: [] }])('treats %j as a complete success', (value) => {
    expect(batchVerdictOf(records, returned(value))).toEqual({ kind: 'success' });
  });

  it('resumes from the lowest reported sequence number', () => {
    const verdict = batchVerdictOf(records, returned({ batchItemFailures: [{ itemIdentifier: '103' }, { itemIdentifier: '102' }] }));

    expect(verdict).toEqual({ kind: 'partial', failedIndex: 1 });
  });

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a bad key name', { batchItemFailures: [{ itemId: '102' }] }],
    ['a null item', { batchItemFailures: [null] }],
    ['a sequence number of no record of the batch', { batchItemFailures: [{ itemIdentifier: '999' }] }],
    ['a list that is not a list', { batchItemFailures: '102' }],
    ['a response that is not an object', 'ok'],
  ])('fails the whole batch on %s', (_, value) => {
    expect(batchVerdictOf(records, returned(value))).toMatchObject({ kind: 'failure', functionError: false });
  });

  it('fails the whole batch on a function error', () => {
    const verdict = batchVerdictOf(records, { kind: 'error', errorType: 'Sandbox.Timedout', message: 'Task timed out after 1.00 seconds' });

    expect(verdict).toEqual({ kind: 'failure', functionError: true, reason: 'Sandbox.Timedout: Task timed out after 1.00 seconds' });
  });
});
