import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { DynamoDbLaneStore } from '../../src/adapters/dynamodb-lane-store';
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
