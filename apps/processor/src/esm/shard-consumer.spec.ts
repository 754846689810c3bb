import type { InputRecord } from '../core/ports';
import type { ShardReadResult, StartPosition } from '../adapters/kinesis-shard-reader';
import { MemoryLogger } from '../testing/in-memory-adapters';
import type { Discard } from './batch-retry-policy';
import type { InvocationResult } from './invocation-verdict';
import { ShardConsumer, type ShardConsumerSettings, type ShardRecordSource } from './shard-consumer';

/** A closed shard of `count` records in memory; iterators are offsets. */
class MemoryShard implements ShardRecordSource {
  readonly records: InputRecord[];
  readonly limits: number[] = [];
  constructor(count: number, arrivalMs: (n: number) => number = () => 1_000_000) {
    this.records = Array.from({ length: count }, (_, n) => ({ stream: 's', shardId: 'shard-0', sequenceNumber: String(100 + n), partitionKey: 'k', arrivalTime: new Date(arrivalMs(n)), data: new Uint8Array() }));
  }
  async iterator(_stream: string, _shardId: string, position: StartPosition): Promise<string> {
    if (position.type === 'AFTER_SEQUENCE_NUMBER') return String(this.records.findIndex((record) => record.sequenceNumber === position.sequenceNumber) + 1);
    return '0';
  }
  async read(_stream: string, _shardId: string, iterator: string, limit: number): Promise<ShardReadResult> {
    this.limits.push(limit);
    const from = Number(iterator);
    const records = this.records.slice(from, from + limit);
    const next = from + records.length;
    return { records, ...(next >= this.records.length ? {} : { nextIterator: String(next) }), millisBehindLatest: 0 };
  }
}

const settings: ShardConsumerSettings = { batchSize: 4, maxBatchingWindowMs: 0, retryAttempts: 1, bisectBatchOnFunctionError: true, maxRecordAgeMs: 60_000, pollIntervalMs: 1, retryDelayMs: 1 };

function consumer(shard: MemoryShard, respond: (records: readonly InputRecord[]) => InvocationResult, overrides: Partial<ShardConsumerSettings> = {}, now = 1_000_000) {
  const batches: string[][] = [];
  const discarded: Discard<InputRecord>[] = [];
  const subject = new ShardConsumer('s', 'shard-0', { type: 'TRIM_HORIZON' }, {
    source: shard,
    invoke: async (records) => {
      batches.push(records.map((record) => record.sequenceNumber));
      return respond(records);
    },
    discard: async (discard) => void discarded.push(discard),
    settings: { ...settings, ...overrides },
    now: () => now,
    logger: new MemoryLogger(),
    onInvocation: () => undefined,
  });
  return { subject, batches, discarded };
}

const ok: InvocationResult = { kind: 'returned', value: { batchItemFailures: [] } };

describe('ShardConsumer', () => {
  it('invokes with batches of at most the batch size, reading no further than the batch, and finishes a closed shard', async () => {
    const shard = new MemoryShard(10);
    const { subject, batches } = consumer(shard, () => ok);

    const ending = await subject.run();

    expect(ending).toBe('closed');
    expect(batches).toEqual([
      ['100', '101', '102', '103'],
      ['104', '105', '106', '107'],
      ['108', '109'],
    ]);
    expect(Math.max(...shard.limits)).toBe(4);
    expect(subject.checkpoint).toBe('109');
  });

  it('retries from the reported record, then moves on', async () => {
    let reported = false;
    const { subject, batches } = consumer(new MemoryShard(4), (records) => {
      if (reported) return ok;
      reported = true;
      return { kind: 'returned', value: { batchItemFailures: [{ itemIdentifier: records[2]?.sequenceNumber }] } };
    });

    await subject.run();

    expect(batches).toEqual([['100', '101', '102', '103'], ['102', '103']]);
  });

  it('isolates a failing record by bisecting and discards it alone once its retries are spent', async () => {
    const { subject, batches, discarded } = consumer(new MemoryShard(4), (records) =>
      records.some((record) => record.sequenceNumber === '102') ? { kind: 'error', errorType: 'Unhandled', message: 'poison' } : ok,
    );

    await subject.run();

    expect(batches).toEqual([['100', '101', '102', '103'], ['100', '101'], ['102', '103'], ['102'], ['102'], ['103']]);
    expect(discarded.map((discard) => [discard.condition, discard.records.map((record) => record.sequenceNumber), discard.invocations])).toEqual([['RetryAttemptsExhausted', ['102'], 2]]);
    expect(subject.checkpoint).toBe('103');
  });

  it('discards records older than the maximum record age before invoking with the rest', async () => {
    const shard = new MemoryShard(4, (n) => (n < 2 ? 0 : 990_000));
    const { subject, batches, discarded } = consumer(shard, () => ok, { maxRecordAgeMs: 60_000 });

    await subject.run();

    expect(discarded.map((discard) => [discard.condition, discard.records.length, discard.invocations])).toEqual([['RecordAgeExceeded', 2, 0]]);
    expect(batches).toEqual([['102', '103']]);
  });
});
