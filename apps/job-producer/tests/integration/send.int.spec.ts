import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Server } from 'node:http';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  waitUntilStreamExists,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { decodeJobEvent, decodeCompanyEvent } from '@tenant-analytics/domain';
import kinesalite from 'kinesalite';
import { runCli } from '../../src/cli/program';
import { createKinesisClient } from '../../src/connection';
import { seedCompanies } from '../../src/seed-companies';
import { sendJobEvents } from '../../src/send-job-events';

const LOCAL = { region: 'us-west-2', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } as const;

async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: name });
}

/** Every record on every shard of `stream`, read from the start until the shards run dry. */
async function readAll(kinesis: KinesisClient, stream: string): Promise<_Record[]> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  const records: _Record[] = [];
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator !== undefined) {
      const reply = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      records.push(...(reply.Records ?? []));
      iterator = (reply.Records ?? []).length === 0 ? undefined : reply.NextShardIterator;
    }
  }
  return records;
}

describe('job-producer against kinesalite', () => {
  let server: Server;
  let kinesis: KinesisClient;

  beforeAll(async () => {
    server = kinesalite({ createStreamMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    kinesis = createKinesisClient({ source: 'local-stack', endpoint: `http://127.0.0.1:${port}`, ...LOCAL, streams: { jobs: 'x', companies: 'y' } });
  });

  afterAll(async () => {
    kinesis.destroy();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  it('puts every accepted record on the stream exactly once, invalid ones tagged', async () => {
    // Prepare
    const stream = `jobs-${Date.now()}`;
    await createStream(kinesis, stream, 2);
    const companyIds = ['comp_0', 'comp_1', 'comp_2', 'comp_3', 'comp_4'];

    // Act
    const summary = await sendJobEvents(
      { streamName: stream, count: 500, ratePerSecond: 2_000, companyIds, runId: 'int1', seed: 11, invalidRatio: 0.02, concurrency: 3, lingerMs: 20 },
      { kinesis },
    );

    // Assess: the summary adds up, and the stream holds each generated record once
    expect(summary).toMatchObject({ requested: 500, sent: 500, accepted: 500, rejected: 0, interrupted: false });
    expect(summary.valid + summary.duplicates + summary.invalid.total).toBe(500);
    expect(summary.invalid.total).toBeGreaterThan(0);
    const records = await readAll(kinesis, stream);
    expect(records).toHaveLength(500);
    const now = new Date();
    const decoded = records.map((record) => decodeJobEvent(record.Data ?? new Uint8Array(), { arrivalTime: now, now }));
    const eventIds = decoded.flatMap((result) => (result.ok && result.value.eventID !== undefined ? [result.value.eventID] : []));
    expect(new Set(eventIds).size).toBe(eventIds.length);
    const rejectedByDecoder = decoded.filter((result) => !result.ok).length;
    const unknownCompanies = summary.invalid.byReason['unknown-company'] ?? 0;
    expect(rejectedByDecoder).toBe(summary.invalid.total - unknownCompanies);
    expect(eventIds).toHaveLength(summary.valid + unknownCompanies);
    for (const record of records) {
      expect(record.PartitionKey).toMatch(/^comp_[0-4]$/);
    }
    // Every record but the constant bad ones (blank, not UTF-8) carries its sequence: no bytes twice.
    const distinctive = records.map((record) => Buffer.from(record.Data ?? []).toString('base64')).filter((data) => data.length > 16);
    expect(new Set(distinctive).size).toBe(distinctive.length);
  });

  it('runs the send command from an endpoints file and writes the JSON summary', async () => {
    // Prepare
    const stream = `cli-${Date.now()}`;
    await createStream(kinesis, stream, 1);
    const folder = mkdtempSync(path.join(tmpdir(), 'job-producer-'));
    const endpointsFile = path.join(folder, 'endpoints.json');
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(
      endpointsFile,
      JSON.stringify({
        ...LOCAL,
        kinesis: endpoint,
        s3: 'http://127.0.0.1:1',
        dynamodb: 'http://127.0.0.1:1',
        bucket: 'unused',
        streams: { jobs: stream, companies: 'companies', enriched: 'unused' },
        stateTable: 'unused',
        kinesisBackend: 'kinesalite',
      }),
    );
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const output: string[] = [];
    stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));

    // Act
    const code = await runCli(['send', '--endpoints-file', endpointsFile, '--count', '300', '--rate', 'max', '--format', 'csv', '--invalid-ratio', '0.05', '--seed', '3', '--json-summary', 'out/summary.json'], {
      stdout,
      stderr,
      cwd: folder,
      defaultEndpointsFile: path.join(folder, 'missing.json'),
      createKinesisClient,
    });

    // Assess
    expect(code).toBe(0);
    expect(output.join('')).toContain(`stream ${stream}`);
    const summary: unknown = JSON.parse(readFileSync(path.join(folder, 'out', 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ streamName: stream, format: 'csv', seed: 3, accepted: 300, targetRatePerSecond: null });
    expect(await readAll(kinesis, stream)).toHaveLength(300);
    rmSync(folder, { recursive: true, force: true });
  });

  it('publishes one company snapshot per company', async () => {
    const stream = `companies-${Date.now()}`;
    await createStream(kinesis, stream, 1);
    const asOf = new Date('2026-11-25T10:00:00Z');

    const summary = await seedCompanies({ streamName: stream, size: 1_200, asOf }, { kinesis });

    expect(summary).toMatchObject({ accepted: 1_200, sent: 1_200, rejected: 0, asOf: asOf.toISOString() });
    const records = await readAll(kinesis, stream);
    const ids = records.map((record) => {
      const result = decodeCompanyEvent(record.Data ?? new Uint8Array(), { arrivalTime: new Date(), now: new Date() });
      if (!result.ok) throw new Error(result.message);
      expect(result.value.asOf).toBe(asOf.toISOString());
      expect(record.PartitionKey).toBe(result.value.companyID);
      return result.value.companyID;
    });
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: 1_200 }, (_, index) => `comp_${index}`)));
  });

  it('fails before sending when the stream does not exist', async () => {
    const attempt = sendJobEvents({ streamName: 'no-such-stream', count: 10, ratePerSecond: 100, companyIds: ['comp_0'], runId: 'int2', seed: 1 }, { kinesis });

    await expect(attempt).rejects.toMatchObject({ name: 'StreamNotFoundError', message: expect.stringContaining('no-such-stream') });
  });
});
