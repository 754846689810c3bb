import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, ListStreamsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientConfig, readEndpointsFile, startLocalStack, type KinesisBackend, type LocalEndpoints, type LocalStack } from '../../src';
import { stackContainers } from './stack-containers';

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** PIDs of this process's children, apart from the `ps` that lists them. */
const childPids = (): number[] =>
  execFileSync('ps', ['-A', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, command]) => Number(ppid) === process.pid && command !== 'ps')
    .map(([pid]) => Number(pid));

/**
 * What this process runs for its stacks: child processes (the emulators with the process backend,
 * one container reaper per stack with the container backend) and containers.
 */
const leftovers = async (): Promise<{ children: number; containers: number }> => ({ children: childPids().length, containers: (await stackContainers(process.pid)).length });

/** Every port free, no endpoints file unless asked: never collides with a running `serve mocks`. */
const start = (kinesisBackend: KinesisBackend, endpointsFile: string | false = false): Promise<LocalStack> =>
  startLocalStack({ kinesisBackend, ports: { kinesis: 0, s3: 0, dynamodb: 0 }, endpointsFile });

/** Puts one record on the jobs stream and reads its shard from the start: the data of every record there. */
async function roundTripKinesis(endpoints: LocalEndpoints, data: string): Promise<string[]> {
  const kinesis = new KinesisClient(clientConfig(endpoints, 'kinesis'));
  try {
    const stream = endpoints.streams.jobs;
    const put = await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'comp_4', Data: Buffer.from(data) }));
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    return Records.map((record) => Buffer.from(record.Data ?? []).toString('utf8'));
  } finally {
    kinesis.destroy();
  }
}

async function shardCounts(endpoints: LocalEndpoints): Promise<Record<string, number>> {
  const kinesis = new KinesisClient(clientConfig(endpoints, 'kinesis'));
  try {
    const { StreamNames = [] } = await kinesis.send(new ListStreamsCommand({}));
    const counts: Record<string, number> = {};
    for (const name of StreamNames) {
      const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: name }));
      expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
      counts[name] = Shards.length;
    }
    return counts;
  } finally {
    kinesis.destroy();
  }
}

async function roundTripS3(endpoints: LocalEndpoints): Promise<string> {
  const s3 = new S3Client(clientConfig(endpoints, 's3'));
  try {
    await s3.send(new PutObjectCommand({ Bucket: endpoints.bucket, Key: 'probe/hello.json', Body: '{"hello":"s3"}' }));
    const object = await s3.send(new GetObjectCommand({ Bucket: endpoints.bucket, Key: 'probe/hello.json' }));
    return (await object.Body?.transformToString()) ?? '';
  } finally {
    s3.destroy();
  }
}

/** Writes a company item (unless only reading) and reads it back: its industry, if there is one. */
async function roundTripDynamoDb(endpoints: LocalEndpoints, mode: 'write' | 'read' = 'write'): Promise<string | undefined> {
  const dynamodb = new DynamoDBClient(clientConfig(endpoints, 'dynamodb'));
  try {
    const key = { pk: { S: 'company#comp_4' }, sk: { S: 'state' } };
    if (mode === 'write') await dynamodb.send(new PutItemCommand({ TableName: endpoints.stateTable, Item: { ...key, industry: { S: 'gov' } } }));
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: endpoints.stateTable, Key: key, ConsistentRead: true }));
    return Item?.['industry']?.S;
  } finally {
    dynamodb.destroy();
  }
}

describe('startLocalStack', () => {
  const running: LocalStack[] = [];
  let tmp: string;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'local-stack-int-'));
  });

  // Each test's stacks stop after it, passed or failed: a failed test must not leave a stack that
  // the next test's count of leftovers would see.
  afterEach(async () => {
    await Promise.all(running.splice(0).map((stack) => stack.stop()));
  });

  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('serves kinesis-local, s3rver and dynalite, stops without leftovers, and starts again', async () => {
    // Prepare
    const endpointsFile = path.join(tmp, 'endpoints.json');
    const first = await start('kinesis-local', endpointsFile);
    running.push(first);
    console.log('start-up ms (kinesis-local stack):', first.processes.map(({ name, startupMs }) => `${name} ${startupMs}`).join(', '));

    // Act
    const records = await roundTripKinesis(first.endpoints, 'first');
    const object = await roundTripS3(first.endpoints);
    const industry = await roundTripDynamoDb(first.endpoints);
    const shards = await shardCounts(first.endpoints);
    const written = readEndpointsFile(endpointsFile);
    const pids = first.processes.map(({ pid }) => pid);
    await first.stop();

    // Assess
    expect(records).toEqual(['first']);
    expect(object).toBe('{"hello":"s3"}');
    expect(industry).toBe('gov');
    expect(shards).toEqual({ bigdatajobs: 2, companies: 1, enrichedcompanies: 1 });
    expect(written).toEqual(first.endpoints);
    expect(written).toMatchObject({ region: 'us-west-2', kinesisBackend: 'kinesis-local', bucket: 'tenant-analytics', stateTable: 'company-state' });
    expect(pids).toHaveLength(3);
    expect(pids.filter(isRunning)).toEqual([]);
    expect(existsSync(endpointsFile)).toBe(false);

    // Act: a second start after the stop
    const second = await start('kinesis-local');
    running.push(second);
    const again = await roundTripKinesis(second.endpoints, 'second');
    await second.stop();

    // Assess: a fresh temp data dir, so only the new record
    expect(again).toEqual(['second']);
    expect(second.processes).toEqual([]);
  });

  it.each<KinesisBackend>(['kinesalite', 'kinesis-local'])('keeps %s streams and records over a Kinesis restart', async (backend) => {
    // Prepare
    const stack = await start(backend);
    running.push(stack);
    if (backend === 'kinesalite') {
      console.log('start-up ms (kinesalite stack):', stack.processes.map(({ name, startupMs }) => `${name} ${startupMs}`).join(', '));
    }
    const before = await roundTripKinesis(stack.endpoints, 'before restart');
    const kinesisPid = stack.processes.find(({ component }) => component === 'kinesis')?.pid ?? 0;

    // Act
    await stack.restartKinesis();
    const shards = await shardCounts(stack.endpoints);
    const after = await roundTripKinesis(stack.endpoints, 'after restart');
    await stack.stop();

    // Assess
    expect(before).toEqual(['before restart']);
    expect(isRunning(kinesisPid)).toBe(false);
    expect(shards).toEqual({ bigdatajobs: 2, companies: 1, enrichedcompanies: 1 });
    expect(after).toEqual(['before restart', 'after restart']);
    expect(stack.endpoints.kinesisBackend).toBe(backend);
  });

  it.each([
    ['loses the state table by default (dynalite in memory)', undefined, undefined],
    ['keeps the state table with disk storage', 'disk', 'gov'],
  ] as const)('%s over a stop and start with a kept data dir', async (_label, dynamodbStorage, expected) => {
    // Prepare
    const dataDir = mkdtempSync(path.join(tmp, 'data-'));
    const startKept = (): Promise<LocalStack> =>
      startLocalStack({ kinesisBackend: 'kinesalite', ports: { kinesis: 0, s3: 0, dynamodb: 0 }, endpointsFile: false, dataDir, ...(dynamodbStorage === undefined ? {} : { dynamodbStorage }) });
    const first = await startKept();
    running.push(first);
    await roundTripDynamoDb(first.endpoints, 'write');
    await first.stop();

    // Act
    const second = await startKept();
    running.push(second);
    const industry = await roundTripDynamoDb(second.endpoints, 'read');
    await second.stop();

    // Assess
    expect(industry).toBe(expected);
  });

  it('rejects a fixed port that is taken, naming it, and leaves nothing running', async () => {
    // Prepare
    const holder = await startLocalStack({ kinesisBackend: 'kinesalite', ports: { kinesis: 0, s3: 0, dynamodb: 0 }, endpointsFile: false });
    running.push(holder);
    const takenPort = Number(new URL(holder.endpoints.dynamodb).port);

    // Act
    const attempt = startLocalStack({ kinesisBackend: 'kinesalite', ports: { kinesis: 0, s3: 0, dynamodb: takenPort }, endpointsFile: false });

    // Assess
    await expect(attempt).rejects.toThrow(`Port ${takenPort} on 127.0.0.1 is in use`);
    if (holder.backend === 'processes') {
      expect(childPids().sort()).toEqual(holder.processes.map(({ pid }) => pid).sort());
    } else {
      expect(await leftovers()).toEqual({ children: 1, containers: holder.processes.length });
    }
    await holder.stop();
    expect(await leftovers()).toEqual({ children: 0, containers: 0 });
  });
});
