import { generateCompanies } from '@tenant-analytics/domain';
import { IteratorExpiredError, StaleCheckpointError, type ShardInfo, type ShardReadResult, type StartPosition } from '../adapters/kinesis-shard-reader';
import { InMemoryMetrics } from '../adapters/in-memory-metrics';
import { compareSequence } from '../core/company-state';
import { DependencyUnavailableError, ScoringUnavailableError } from '../core/errors';
import type { EffectStep } from '../core/batch-processor';
import type { InputRecord } from '../core/ports';
import { buildTestProcessor, jobEvent, kinesisRecordFactory } from '../testing/factories';
import { InMemoryCompanyStateStore, InMemoryLaneStore, InMemoryObjectSink, InMemoryStreamSink, MemoryLogger } from '../testing/in-memory-adapters';
import { retryDelayMs, ShardLanesRunner, type ShardLanesRunnerSettings, type ShardSource } from './shard-lanes-runner';

const JOBS = 'bigdatajobs';
const COMPANIES = 'companies';
const companies = generateCompanies(42, 10);

/** One in-memory shard: its records so far, and whether it was closed by a reshard. */
interface FakeShard {
  readonly shardId: string;
  readonly parentShardId?: string;
  readonly adjacentParentShardId?: string;
  readonly records: InputRecord[];
  closed: boolean;
}

/** What the fake source was asked, in order. */
type SourceCall =
  | { readonly kind: 'iterator'; readonly stream: string; readonly shardId: string; readonly position: StartPosition }
  | { readonly kind: 'read'; readonly stream: string; readonly shardId: string; readonly from: number; readonly count: number; readonly last: boolean };

/**
 * Kinesis shards in memory, read through iterators (`<stream>|<shardId>|<index>`), with the
 * semantics the runner relies on: positions, a closed shard ends with no next iterator, lag is
 * reported while records remain. `beforeRead` may throw or delay to inject failures.
 */
class FakeShardSource implements ShardSource {
  readonly calls: SourceCall[] = [];
  beforeRead?: (stream: string, shardId: string, readsOfShard: number) => Promise<void> | void;
  private readonly shards = new Map<string, FakeShard[]>();

  addShard(stream: string, shard: Omit<FakeShard, 'records' | 'closed'> & { records?: InputRecord[]; closed?: boolean }): FakeShard {
    const created: FakeShard = { records: [], closed: false, ...shard };
    this.shards.set(stream, [...(this.shards.get(stream) ?? []), created]);
    return created;
  }

  async listShards(stream: string): Promise<ShardInfo[]> {
    return (this.shards.get(stream) ?? []).map((shard) => ({
      shardId: shard.shardId,
      ...(shard.parentShardId === undefined ? {} : { parentShardId: shard.parentShardId }),
      ...(shard.adjacentParentShardId === undefined ? {} : { adjacentParentShardId: shard.adjacentParentShardId }),
      ...(shard.closed ? { endingSequenceNumber: shard.records.at(-1)?.sequenceNumber ?? '0' } : {}),
    }));
  }

  async iterator(stream: string, shardId: string, position: StartPosition): Promise<string> {
    this.calls.push({ kind: 'iterator', stream, shardId, position });
    const records = this.shard(stream, shardId).records;
    const firstIndex = (accept: (record: InputRecord) => boolean) => {
      const index = records.findIndex(accept);
      return index < 0 ? records.length : index;
    };
    let index: number;
    switch (position.type) {
      case 'TRIM_HORIZON':
        index = 0;
        break;
      case 'LATEST':
        index = records.length;
        break;
      case 'AT_TIMESTAMP':
        index = firstIndex((record) => record.arrivalTime >= position.timestamp);
        break;
      case 'AT_SEQUENCE_NUMBER':
        index = firstIndex((record) => compareSequence(record.sequenceNumber, position.sequenceNumber) >= 0);
        break;
      case 'AFTER_SEQUENCE_NUMBER':
        index = firstIndex((record) => compareSequence(record.sequenceNumber, position.sequenceNumber) > 0);
        break;
    }
    return `${stream}|${shardId}|${index}`;
  }

  async read(stream: string, shardId: string, iterator: string, limit: number): Promise<ShardReadResult> {
    await this.beforeRead?.(stream, shardId, this.readsOf(stream, shardId).length);
    const shard = this.shard(stream, shardId);
    const from = Number(iterator.split('|')[2]);
    const records = shard.records.slice(from, from + limit);
    const next = from + records.length;
    const last = shard.closed && next >= shard.records.length;
    this.calls.push({ kind: 'read', stream, shardId, from, count: records.length, last });
    return { records, ...(last ? {} : { nextIterator: `${stream}|${shardId}|${next}` }), millisBehindLatest: next < shard.records.length ? 1_000 : 0 };
  }

  readsOf(stream: string, shardId: string) {
    return this.calls.filter((call): call is Extract<SourceCall, { kind: 'read' }> => call.kind === 'read' && call.stream === stream && call.shardId === shardId);
  }

  iteratorsOf(stream: string, shardId: string): StartPosition[] {
    return this.calls.flatMap((call) => (call.kind === 'iterator' && call.stream === stream && call.shardId === shardId ? [call.position] : []));
  }

  private shard(stream: string, shardId: string): FakeShard {
    const shard = this.shards.get(stream)?.find((candidate) => candidate.shardId === shardId);
    if (shard === undefined) throw new Error(`no shard ${stream}/${shardId}`);
    return shard;
  }
}

const SETTINGS: ShardLanesRunnerSettings = {
  streams: [
    { name: JOBS, initialPosition: { type: 'TRIM_HORIZON' } },
    { name: COMPANIES, initialPosition: { type: 'TRIM_HORIZON' } },
  ],
  pollIntervalMs: 5,
  getRecordsLimit: 2,
  shardDiscoveryIntervalMs: 10,
  maxBackoffMs: 5,
};

function sharedStores() {
  return { stateStore: new InMemoryCompanyStateStore(), laneStore: new InMemoryLaneStore(), objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
}

/** A runner over `source` and a test processor over `shared` stores. */
function runnerFactory(
  source: ShardSource,
  options: { shared?: ReturnType<typeof sharedStores>; settings?: Partial<ShardLanesRunnerSettings>; afterStep?: (step: EffectStep) => Promise<void> | void } = {},
) {
  const shared = options.shared ?? sharedStores();
  const test = buildTestProcessor({ companies, shared, ...(options.afterStep === undefined ? {} : { afterStep: options.afterStep }) });
  const logger = new MemoryLogger();
  const metrics = new InMemoryMetrics();
  const runner = new ShardLanesRunner({ ...SETTINGS, ...options.settings }, source, test.processor, logger, metrics);
  return { runner, shared, logger, metrics, processor: test.processor };
}

/** Polls `predicate` every few ms; fails the test if it stays false for a second. */
async function waitFor(predicate: () => boolean, what: string, timeoutMs = 1_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
}

/** `count` job events on `shardId` of the jobs stream, with event ids `<label>1…`. */
function jobRecords(shardId: string, label: string, count: number, companyID = 'comp_1'): InputRecord[] {
  const record = kinesisRecordFactory(JOBS, shardId);
  return Array.from({ length: count }, (_, index) => record(jobEvent({ companyID, eventID: `${label}${index + 1}` })));
}

const outputIds = (shared: ReturnType<typeof sharedStores>, shardId?: string) =>
  shared.stream.records.filter((record) => shardId === undefined || record.source.shardId === shardId).map((record) => record.eventID);

describe('ShardLanesRunner', () => {
  let running: ShardLanesRunner[] = [];
  const started = async (runner: ShardLanesRunner) => {
    running.push(runner);
    await runner.start();
    return runner;
  };
  afterEach(async () => {
    await Promise.all(running.map((runner) => runner.stop()));
    running = [];
  });

  it('reads every shard of both streams and processes each shard in order', async () => {
    // Prepare
    const source = new FakeShardSource();
    source.addShard(JOBS, { shardId: 'shardId-000000000000', records: jobRecords('shardId-000000000000', 'a', 5, 'comp_1') });
    source.addShard(JOBS, { shardId: 'shardId-000000000001', records: jobRecords('shardId-000000000001', 'b', 3, 'comp_2') });
    const snapshot = kinesisRecordFactory(COMPANIES, 'shardId-000000000000')({ ...companies[3], asOf: '2026-11-25T08:00:00Z' });
    source.addShard(COMPANIES, { shardId: 'shardId-000000000000', records: [snapshot] });
    const { runner, shared } = runnerFactory(source);

    // Act
    await started(runner);
    await waitFor(() => shared.stream.records.length === 8 && shared.stateStore.items.get('comp_3')?.profileSource === 'snapshot', 'every record');

    // Assess
    expect(outputIds(shared, 'shardId-000000000000')).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(outputIds(shared, 'shardId-000000000001')).toEqual(['b1', 'b2', 'b3']);
    expect(source.iteratorsOf(JOBS, 'shardId-000000000000')).toEqual([{ type: 'TRIM_HORIZON' }]);
    expect(source.iteratorsOf(COMPANIES, 'shardId-000000000000')).toEqual([{ type: 'TRIM_HORIZON' }]);
    expect(source.readsOf(JOBS, 'shardId-000000000000').filter((read) => read.count > 0).map((read) => read.count)).toEqual([2, 2, 1]);
  });

  it('starts a shard without checkpoint at the stream initial position', async () => {
    // Prepare: LATEST skips what is already in the shard
    const source = new FakeShardSource();
    const shard = source.addShard(JOBS, { shardId: 'shardId-000000000000', records: jobRecords('shardId-000000000000', 'old', 2) });
    const { runner, shared } = runnerFactory(source, { settings: { streams: [{ name: JOBS, initialPosition: { type: 'LATEST' } }] } });
    await started(runner);
    await waitFor(() => source.readsOf(JOBS, 'shardId-000000000000').length > 0, 'a first read');

    // Act
    shard.records.push(...jobRecords('shardId-000000000000', 'new', 3).slice(2));
    await waitFor(() => shared.stream.records.length === 1, 'the new record');

    // Assess
    expect(source.iteratorsOf(JOBS, 'shardId-000000000000')).toEqual([{ type: 'LATEST' }]);
    expect(outputIds(shared)).toEqual(['new3']);
  });

  it('resumes after the lane checkpoint when restarted over the same stores', async () => {
    // Prepare: a first runner processes three records and stops
    const source = new FakeShardSource();
    const records = jobRecords('shardId-000000000000', 'e', 5);
    const shard = source.addShard(JOBS, { shardId: 'shardId-000000000000', records: records.slice(0, 3) });
    const first = runnerFactory(source);
    await started(first.runner);
    await waitFor(() => first.shared.stream.records.length === 3, 'the first three records');
    await first.runner.stop();
    shard.records.push(...records.slice(3));

    // Act
    const second = runnerFactory(source, { shared: first.shared });
    await started(second.runner);
    await waitFor(() => first.shared.stream.records.length === 5, 'the last two records');

    // Assess
    expect(source.iteratorsOf(JOBS, 'shardId-000000000000')).toEqual([{ type: 'TRIM_HORIZON' }, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: records[2]?.sequenceNumber }]);
    expect(outputIds(first.shared)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
  });

  it('counts and logs a checkpoint the shard does not have, and resumes once an operator cleared it', async () => {
    // Prepare: a checkpoint after e2, then the stream is recreated (its sequence numbers are gone)
    const source = new FakeShardSource();
    const shard = source.addShard(JOBS, { shardId: 'shardId-000000000000', records: jobRecords('shardId-000000000000', 'e', 2) });
    const first = runnerFactory(source);
    await started(first.runner);
    await waitFor(() => first.shared.stream.records.length === 2, 'the first two records');
    await first.runner.stop();
    shard.records.splice(0, 2, ...jobRecords('shardId-000000000000', 'n', 1));
    const iterator = source.iterator.bind(source);
    source.iterator = async (stream, shardId, position) => {
      if (position.type === 'AFTER_SEQUENCE_NUMBER') throw new StaleCheckpointError(stream, shardId, position.sequenceNumber, new Error('did not come from this stream'));
      return iterator(stream, shardId, position);
    };

    // Act
    const second = runnerFactory(source, { shared: first.shared });
    await started(second.runner);
    await waitFor(() => second.metrics.counter(`StaleCheckpoints{laneId=${JOBS}/shardId-000000000000}`) >= 2, 'two stale-checkpoint failures');
    first.shared.laneStore.lanes.clear(); // what the error message tells an operator to do
    await waitFor(() => first.shared.stream.records.length === 3, 'the new record');

    // Assess
    expect(second.logger.lines.some((line) => line.level === 'error' && /delete the lane's items/.test(JSON.stringify(line.fields)))).toBe(true);
    expect(outputIds(first.shared)).toEqual(['e1', 'e2', 'n1']);
  });

  it('gets a new iterator from the checkpoint after an IteratorExpiredError', async () => {
    // Prepare: the second read finds its iterator expired
    const source = new FakeShardSource();
    const records = jobRecords('shardId-000000000000', 'e', 4);
    source.addShard(JOBS, { shardId: 'shardId-000000000000', records });
    let expired = false;
    source.beforeRead = (_stream, _shardId, reads) => {
      if (reads === 1 && !expired) {
        expired = true;
        throw new IteratorExpiredError(new Error('Iterator expired'));
      }
    };
    const { runner, shared } = runnerFactory(source);

    // Act
    await started(runner);
    await waitFor(() => shared.stream.records.length === 4, 'every record');

    // Assess
    expect(source.iteratorsOf(JOBS, 'shardId-000000000000')).toEqual([{ type: 'TRIM_HORIZON' }, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: records[1]?.sequenceNumber }]);
    expect(outputIds(shared)).toEqual(['e1', 'e2', 'e3', 'e4']);
  });

  it('keeps its iterator across a throttled read, so a LATEST lane loses nothing that arrived meanwhile', async () => {
    // Prepare: a LATEST lane without checkpoint is polling; records arrive, then a read is throttled
    const source = new FakeShardSource();
    const shard = source.addShard(JOBS, { shardId: 'shardId-000000000000' });
    const { runner, shared } = runnerFactory(source, { settings: { streams: [{ name: JOBS, initialPosition: { type: 'LATEST' } }] } });
    await started(runner);
    await waitFor(() => source.readsOf(JOBS, 'shardId-000000000000').length > 0, 'a first read');
    let throttled = false;
    source.beforeRead = () => {
      if (throttled) return;
      throttled = true;
      throw new DependencyUnavailableError('Kinesis GetRecords on bigdatajobs failed: ProvisionedThroughputExceededException');
    };

    // Act
    shard.records.push(...jobRecords('shardId-000000000000', 'e', 2));
    await waitFor(() => shared.stream.records.length === 2, 'the records that arrived before the throttled read');

    // Assess
    expect(throttled).toBe(true);
    expect(source.iteratorsOf(JOBS, 'shardId-000000000000')).toEqual([{ type: 'LATEST' }]);
    expect(outputIds(shared)).toEqual(['e1', 'e2']);
  });

  it('retries a failing batch with the same records, skipping none', async () => {
    // Prepare: publishing fails twice (a retriable sink error) after the state commit
    const source = new FakeShardSource();
    source.addShard(JOBS, { shardId: 'shardId-000000000000', records: jobRecords('shardId-000000000000', 'e', 4) });
    let failures = 2;
    const { runner, shared, processor } = runnerFactory(source, {
      afterStep: (step) => {
        if (step === 'committed' && failures-- > 0) throw Object.assign(new Error('S3 unavailable'), { retriable: true });
      },
    });
    const process = jest.spyOn(processor, 'process');

    // Act
    await started(runner);
    await waitFor(() => shared.stream.records.length === 4, 'every record');

    // Assess
    const batches = process.mock.calls.map(([, , records]) => records.map((record) => record.sequenceNumber)).filter((batch) => batch.length > 0);
    expect(batches[0]).toEqual(batches[1]);
    expect(batches[1]).toEqual(batches[2]);
    expect(batches).toHaveLength(4);
    expect(outputIds(shared)).toEqual(['e1', 'e2', 'e3', 'e4']);
  });

  it('ends the lane of a closed shard once it is read to its end', async () => {
    // Prepare
    const source = new FakeShardSource();
    source.addShard(JOBS, { shardId: 'shardId-000000000000', records: jobRecords('shardId-000000000000', 'e', 3), closed: true });
    const { runner, shared, logger } = runnerFactory(source);

    // Act
    await started(runner);
    await waitFor(() => logger.lines.some((line) => line.message === 'shard closed and fully read'), 'the end of the shard');
    const readsAtEnd = source.readsOf(JOBS, 'shardId-000000000000').length;
    await new Promise((resolve) => setTimeout(resolve, 40));

    // Assess
    expect(outputIds(shared)).toEqual(['e1', 'e2', 'e3']);
    expect(source.readsOf(JOBS, 'shardId-000000000000')).toHaveLength(readsAtEnd);
    expect(source.readsOf(JOBS, 'shardId-000000000000').at(-1)?.last).toBe(true);
  });

  it('does not read a closed shard again after a restart once its checkpoint reached its end', async () => {
    // Prepare
    const source = new FakeShardSource();
    source.addShard(JOBS, { shardId: 'shardId-000000000000', records: jobRecords('shardId-000000000000', 'e', 3), closed: true });
    const first = runnerFactory(source);
    await started(first.runner);
    await waitFor(() => first.shared.stream.records.length === 3, 'every record');
    await first.runner.stop();
    const iteratorsBefore = source.iteratorsOf(JOBS, 'shardId-000000000000').length;

    // Act
    const second = runnerFactory(source, { shared: first.shared });
    await started(second.runner);
    await new Promise((resolve) => setTimeout(resolve, 40));

    // Assess
    expect(source.iteratorsOf(JOBS, 'shardId-000000000000')).toHaveLength(iteratorsBefore);
    expect(outputIds(first.shared)).toEqual(['e1', 'e2', 'e3']);
  });

  it('starts a child shard only after both of its parents are read to their end (merge), per-company order kept', async () => {
    // Prepare: parents 0 and 1 (closed; 1 is slow) merged into child 2, all with events of comp_1
    const source = new FakeShardSource();
    source.addShard(JOBS, { shardId: 'shardId-000000000000', records: jobRecords('shardId-000000000000', 'p', 2), closed: true });
    source.addShard(JOBS, { shardId: 'shardId-000000000001', records: jobRecords('shardId-000000000001', 'q', 4), closed: true });
    source.addShard(JOBS, {
      shardId: 'shardId-000000000002',
      parentShardId: 'shardId-000000000000',
      adjacentParentShardId: 'shardId-000000000001',
      records: jobRecords('shardId-000000000002', 'c', 2),
    });
    source.beforeRead = (_stream, shardId) => (shardId === 'shardId-000000000001' ? new Promise((resolve) => setTimeout(resolve, 15)) : undefined);
    const { runner, shared } = runnerFactory(source);

    // Act
    await started(runner);
    await waitFor(() => shared.stream.records.length === 8, 'every record');

    // Assess
    const indexOf = (call: SourceCall) => source.calls.indexOf(call);
    const parentReads = [...source.readsOf(JOBS, 'shardId-000000000000'), ...source.readsOf(JOBS, 'shardId-000000000001')];
    const firstChildCall = source.calls.findIndex((call) => call.shardId === 'shardId-000000000002');
    expect(firstChildCall).toBeGreaterThan(Math.max(...parentReads.map(indexOf)));
    expect(outputIds(shared).slice(-2)).toEqual(['c1', 'c2']);
  });

  it('starts a child shard at TRIM_HORIZON whatever the stream initial position', async () => {
    // Prepare: the parent was read to its end by an earlier run; the stream starts at LATEST
    const source = new FakeShardSource();
    source.addShard(JOBS, { shardId: 'shardId-000000000000', closed: true });
    source.addShard(JOBS, { shardId: 'shardId-000000000001', parentShardId: 'shardId-000000000000', records: jobRecords('shardId-000000000001', 'c', 3) });
    const { runner, shared } = runnerFactory(source, { settings: { streams: [{ name: JOBS, initialPosition: { type: 'LATEST' } }] } });

    // Act
    await started(runner);
    await waitFor(() => shared.stream.records.length === 3, 'the child records');

    // Assess
    expect(source.iteratorsOf(JOBS, 'shardId-000000000001')).toEqual([{ type: 'TRIM_HORIZON' }]);
    expect(outputIds(shared)).toEqual(['c1', 'c2', 'c3']);
  });

  it('picks up a child shard created while it runs (reshard)', async () => {
    // Prepare
    const source = new FakeShardSource();
    const parent = source.addShard(JOBS, { shardId: 'shardId-000000000000', records: jobRecords('shardId-000000000000', 'p', 2) });
    const { runner, shared } = runnerFactory(source);
    await started(runner);
    await waitFor(() => shared.stream.records.length === 2, 'the parent records');

    // Act: split the shard
    parent.closed = true;
    source.addShard(JOBS, { shardId: 'shardId-000000000001', parentShardId: 'shardId-000000000000', records: jobRecords('shardId-000000000001', 'c', 2) });
    await waitFor(() => shared.stream.records.length === 4, 'the child records');

    // Assess
    expect(outputIds(shared)).toEqual(['p1', 'p2', 'c1', 'c2']);
  });

  it('stop() waits for the batch in flight to complete, then resolves and reads no more', async () => {
    // Prepare: the first batch blocks after its state commit until released
    const source = new FakeShardSource();
    const records = jobRecords('shardId-000000000000', 'e', 4);
    source.addShard(JOBS, { shardId: 'shardId-000000000000', records });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let blocked = false;
    const { runner, shared } = runnerFactory(source, {
      afterStep: async (step) => {
        if (step !== 'committed' || blocked) return;
        blocked = true;
        await gate;
      },
    });
    await started(runner);
    await waitFor(() => blocked, 'the first batch to block');

    // Act
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stoppedWhileBlocked = stopped;
    release();
    await stopping;

    // Assess
    expect(stoppedWhileBlocked).toBe(false);
    expect(outputIds(shared)).toEqual(['e1', 'e2']);
    const lane = await shared.laneStore.get(`${JOBS}/shardId-000000000000`);
    expect(lane.pending).toBeUndefined();
    expect(lane.checkpoint).toBe(records[1]?.sequenceNumber);
    expect(source.readsOf(JOBS, 'shardId-000000000000')).toHaveLength(1);
  });

  describe('retryDelayMs', () => {
    const top = () => 1;

    it('grows exponentially up to maxBackoffMs', () => {
      expect(retryDelayMs(new Error('S3 down'), 1, 200, { maxBackoffMs: 30_000 }, top)).toBe(400);
      expect(retryDelayMs(new Error('S3 down'), 10, 200, { maxBackoffMs: 30_000 }, top)).toBe(30_000);
    });

    it('waits at most maxDeferredBackoffMs for a batch deferred by a churn outage', () => {
      const outage = new ScoringUnavailableError('churn API unavailable');
      expect(retryDelayMs(outage, 10, 200, { maxBackoffMs: 30_000 }, top)).toBe(2_000);
      expect(retryDelayMs(outage, 10, 200, { maxBackoffMs: 30_000, maxDeferredBackoffMs: 500 }, top)).toBe(500);
      expect(retryDelayMs(outage, 10, 200, { maxBackoffMs: 100 }, top)).toBe(100);
    });

    it('jitters over the whole interval', () => {
      expect(retryDelayMs(new Error('x'), 3, 100, {}, () => 0.25)).toBe(200);
    });
  });
});
