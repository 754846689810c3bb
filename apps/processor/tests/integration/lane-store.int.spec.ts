import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { DynamoDbLaneStore } from '../../src/adapters/dynamodb-lane-store';
import { meterConsumedCapacity } from '../../src/adapters/consumed-capacity-metrics';
import { InMemoryMetrics } from '../../src/adapters/in-memory-metrics';
import { LaneConflictError } from '../../src/core/errors';
import type { PendingBatch } from '../../src/core/pending-batch';
import { deadLetterFactory, pendingBatchFactory } from '../../src/testing/record-fixtures';

/**
 * The lane store's fencing against a real DynamoDB implementation (dynalite): what two overlapping
 * writers of one lane can and cannot do to each other.
 */
describe('DynamoDbLaneStore on dynalite', () => {
  let stack: LocalStack;
  let workDir: string;
  let client: DynamoDBClient;
  let table: string;
  let laneCounter = 0;
  const nextLane = () => `bigdatajobs/shardId-${String(++laneCounter).padStart(12, '0')}`;

  /** A pending batch of several chunks (incompressible dead letters), `marker` telling bodies apart. */
  function largeBatch(marker: string): PendingBatch {
    const letters = ['105', '110'].map((sequence) => deadLetterFactory(sequence, {}, randomBytes(220_000).toString('base64')));
    return pendingBatchFactory({ deadLetters: letters, createdAt: marker });
  }

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'lane-store-int-'));
    stack = await startLocalStack({ kinesisBackend: 'kinesalite', ports: { kinesis: 0, s3: 0, dynamodb: 0 }, endpointsFile: false, dataDir: workDir });
    client = new DynamoDBClient({ region: stack.endpoints.region, endpoint: stack.endpoints.dynamodb, credentials: stack.endpoints.credentials, requestHandler: new NodeHttpHandler() });
    table = stack.endpoints.stateTable;
  });

  afterAll(async () => {
    client?.destroy();
    await stack?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('notes a failed batch, lists it as skipped when a later batch completes past it, and removes the range when replayed', async () => {
    // Prepare: a lane at checkpoint 100 whose batch 105-110 failed before any effect
    const lane = nextLane();
    const store = new DynamoDbLaneStore(client, table);
    let version = await store.putPending(lane, pendingBatchFactory({ id: `${lane}/90-100`, firstSequenceNumber: '90', lastSequenceNumber: '100' }), 0);
    version = await store.complete(lane, `${lane}/90-100`, '100', version);
    version = await store.noteFailure(lane, { after: '100', first: '105', last: '110' }, version);
    expect(await store.get(lane)).toMatchObject({ checkpoint: '100', failed: { after: '100', first: '105', last: '110' } });
    await expect(store.noteFailure(lane, { first: '105', last: '110' }, version - 1)).rejects.toBeInstanceOf(LaneConflictError);

    // Act: the batch after it completes (the mapping gave up on 105-110), then the replay removes the range
    version = await store.putPending(lane, pendingBatchFactory({ id: `${lane}/120-130`, firstSequenceNumber: '120', lastSequenceNumber: '130' }), version);
    version = await store.complete(lane, `${lane}/120-130`, '130', version, { settle: { skipped: { after: '100', before: '120' } } });
    const skipped = await store.get(lane);
    version = await store.resolveSkipped(lane, { after: '100', before: '120' }, version);

    // Assess
    expect(skipped).toEqual({ laneId: lane, version: 5, checkpoint: '130', skipped: [{ after: '100', before: '120' }] });
    expect(await store.get(lane)).toEqual({ laneId: lane, version: 6, checkpoint: '130' });
    expect(version).toBe(6);
  });

  it('keeps the body of the writer that won when two writers put the same pending id (never a mix of both)', async () => {
    // Prepare: two overlapping invocations computed the same range (same id), different bytes
    const lane = nextLane();
    const store = new DynamoDbLaneStore(client, table);
    const winner = largeBatch('2026-11-25T10:00:00.000Z');
    const loser = largeBatch('2026-11-25T10:00:01.000Z');

    // Act: both read version 0; the winner lands first, the loser's chunks are written after it
    await store.putPending(lane, winner, 0);
    const failure = await store.putPending(lane, loser, 0).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(LaneConflictError);
    expect(await store.get(lane)).toEqual({ laneId: lane, version: 1, pending: winner });
  });

  it('fences every lane write on the version read: a stale writer can neither complete nor move the checkpoint back', async () => {
    // Prepare
    const lane = nextLane();
    const store = new DynamoDbLaneStore(client, table);
    const batch = pendingBatchFactory();
    const version = await store.putPending(lane, batch, 0);
    const completed = await store.complete(lane, batch.id, '120', version);

    // Act
    const staleComplete = await store.complete(lane, batch.id, '120', version).catch((error: unknown) => error);
    const staleAdvance = await store.advance(lane, '100', version).catch((error: unknown) => error);
    const advanced = await store.advance(lane, '130', completed);

    // Assess
    expect(staleComplete).toBeInstanceOf(LaneConflictError);
    expect(staleAdvance).toBeInstanceOf(LaneConflictError);
    expect(await store.get(lane)).toEqual({ laneId: lane, checkpoint: '130', version: advanced });
  });

  it('lists completed batches as deferred (with a multi-chunk body), keeps them through advance, gives their bodies back in order, and clears them when compacted', async () => {
    // Prepare
    const lane = nextLane();
    const writer = new DynamoDbLaneStore(client, table);
    const first = pendingBatchFactory({ id: `${lane}/100-120`, createdAt: '2026-11-25T10:00:00.000Z' });
    const second = largeBatch('2026-11-25T10:00:01.000Z');
    let version = await writer.putPending(lane, first, 0);
    version = await writer.complete(lane, first.id, '120', version, { defer: true });
    version = await writer.putPending(lane, second, version);
    // A second store (another container) finishes the second batch after reading it
    const other = new DynamoDbLaneStore(client, table);
    const read = await other.get(lane);
    version = await other.complete(lane, second.id, '140', read.version, { defer: true });
    version = await other.advance(lane, '150', version);

    // Act
    const deferredLane = await new DynamoDbLaneStore(client, table).get(lane);
    const bodies = await new DynamoDbLaneStore(client, table).loadDeferred(lane, deferredLane.deferred ?? { refs: [], since: '' });
    const staleCompaction = await writer.compacted(lane, version - 1).catch((error: unknown) => error);
    const compacted = await writer.compacted(lane, version);

    // Assess
    expect(deferredLane).toMatchObject({ checkpoint: '150', version, deferred: { since: '2026-11-25T10:00:00.000Z' } });
    expect(deferredLane.deferred?.refs).toHaveLength(2);
    expect(bodies).toEqual([first, second]);
    expect(staleCompaction).toBeInstanceOf(LaneConflictError);
    expect(await writer.get(lane)).toEqual({ laneId: lane, checkpoint: '150', version: compacted });
  });

  it('keeps a compaction sweep\'s progress in the lane and, when it ends, drops the batches it covered from the head of the list (read by a cold store)', async () => {
    // Prepare: three deferred batches, a sweep of two shares covering the first two
    const lane = nextLane();
    const writer = new DynamoDbLaneStore(client, table);
    const batches = ['100', '110', '120', '130'].map((first, index) => pendingBatchFactory({ id: `${lane}/${first}-${first}5`, createdAt: `2026-11-25T10:00:0${index}.000Z` }));
    let version = 0;
    for (const [index, batch] of batches.slice(0, 3).entries()) {
      version = await writer.putPending(lane, batch, version);
      const sweep = index === 2 ? { sweep: { covers: 2, shares: 2, done: 1 } } : {};
      version = await writer.complete(lane, batch.id, `${batch.id.slice(-4)}`, version, { defer: true, ...sweep });
    }
    const underWay = await new DynamoDbLaneStore(client, table).get(lane);

    // Act: a cold store ends the sweep with the fourth batch
    const cold = new DynamoDbLaneStore(client, table);
    const read = await cold.get(lane);
    version = await cold.putPending(lane, batches[3] ?? pendingBatchFactory(), read.version);
    version = await cold.complete(lane, batches[3]?.id ?? '', '1305', version, { defer: true, compacted: { count: 2, since: '2026-11-25T10:00:02.000Z' } });
    const after = await new DynamoDbLaneStore(client, table).get(lane);

    // Assess
    expect(underWay.deferred).toMatchObject({ since: '2026-11-25T10:00:00.000Z', sweep: { covers: 2, shares: 2, done: 1 } });
    expect(underWay.deferred?.refs).toHaveLength(3);
    expect(after).toMatchObject({ checkpoint: '1305', version, deferred: { since: '2026-11-25T10:00:02.000Z' } });
    expect(after.deferred?.sweep).toBeUndefined();
    expect(after.deferred?.refs).toEqual([underWay.deferred?.refs[2], expect.any(String)]);
    expect(await cold.loadDeferred(lane, after.deferred ?? { refs: [], since: '' })).toEqual([batches[2], batches[3]]);
  });

  it('publishes the capacity DynamoDB says each read and write consumed (StateReadUnits, StateWriteUnits), counted once however often the client is metered', async () => {
    // Prepare
    const metered = new DynamoDBClient({ region: stack.endpoints.region, endpoint: stack.endpoints.dynamodb, credentials: stack.endpoints.credentials, requestHandler: new NodeHttpHandler() });
    const metrics = new InMemoryMetrics();
    meterConsumedCapacity(metered, metrics);
    meterConsumedCapacity(metered, metrics);
    const store = new DynamoDbLaneStore(metered, table);
    const lane = nextLane();

    // Act: one pending batch of several chunks (≈ 2 × 300 KB), then a consistent read of the lane with its body
    await store.putPending(lane, largeBatch('2026-11-25T10:00:00.000Z'), 0);
    const written = metrics.counter(`StateWriteUnits{table=${table}}`);
    await store.get(lane);
    const read = metrics.counter(`StateReadUnits{table=${table}}`);
    metered.destroy();

    // Assess: the chunks (~540 KB of gzip in all) bill their size per KB, the Query per 4 KB read;
    // metered twice, the units would be counted twice (above 1,000)
    expect(written).toBeGreaterThan(450);
    expect(written).toBeLessThan(700);
    expect(read).toBeGreaterThan(100);
    expect(read).toBeLessThan(200);
  });

  it('stores dedupe segments by creation time and loads those of the given lanes within the window', async () => {
    // Prepare
    const store = new DynamoDbLaneStore(client, table);
    const [lane, parent, other] = [nextLane(), nextLane(), nextLane()];
    const big = 2 ** 53 - 1;
    await store.putDedupeSegment(lane, { id: 'p-old', createdAtMs: 1_000, digests: [1] }, 3_600_000);
    await store.putDedupeSegment(lane, { id: `${lane}/5-9`, createdAtMs: 5_000, digests: [2, big] }, 3_600_000);
    await store.putDedupeSegment(parent, { id: 'p-parent', createdAtMs: 4_000, digests: [3] }, 3_600_000);
    await store.putDedupeSegment(other, { id: 'p-other', createdAtMs: 4_500, digests: [4] }, 3_600_000);

    // Act
    const segments = await store.loadDedupeSegments([lane, parent], 2_000);

    // Assess
    expect(segments).toEqual([
      { id: 'p-parent', createdAtMs: 4_000, digests: [3] },
      { id: `${lane}/5-9`, createdAtMs: 5_000, digests: [2, big] },
    ]);
  });

  it('keeps the epoch the first pending batch of a lane item set, until the item is deleted', async () => {
    // Prepare
    const lane = nextLane();
    const store = new DynamoDbLaneStore(client, table);
    const first = pendingBatchFactory({ epoch: 'e1' });
    const second = pendingBatchFactory({ firstSequenceNumber: '130', lastSequenceNumber: '140', epoch: 'e2' });

    // Act
    let version = await store.putPending(lane, first, 0);
    version = await store.complete(lane, first.id, '120', version);
    version = await store.putPending(lane, second, version);

    // Assess
    expect(await store.get(lane)).toMatchObject({ epoch: 'e1', checkpoint: '120', version, pending: second });
  });
});
