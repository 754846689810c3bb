import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exitCodeOf, parseReplayArgs } from './replay-cli';
import { readOnFailureRecords, streamNameOfArn } from './on-failure-replay';

const argv = (...args: string[]) => ['node', 'replay', ...args];

describe('parseReplayArgs', () => {
  it('reads an S3 location, an on-failure file and the flags', () => {
    expect(parseReplayArgs(argv('--from-dead-letters', 's3://tenant-analytics/dead-letters/dt=2026-12-02/', '--dry-run'))).toMatchObject({
      fromDeadLetters: { bucket: 'tenant-analytics', prefix: 'dead-letters/dt=2026-12-02' },
      dryRun: true,
    });
    expect(parseReplayArgs(argv('--from-on-failure', 'f.jsonl', '--config', 'groups.json'))).toMatchObject({ fromOnFailure: 'f.jsonl', config: 'groups.json', dryRun: false });
  });

  it('refuses a run without input and a location that is not s3://bucket/prefix', () => {
    expect(() => parseReplayArgs(argv())).toThrow(/--from-dead-letters <s3-uri>, --from-on-failure <file> or --from-on-failure-queue <queue-url>/);
    expect(() => parseReplayArgs(argv('--from-dead-letters', 'tenant-analytics/dead-letters'))).toThrow();
  });
});

describe('readOnFailureRecords', () => {
  const record = {
    requestContext: { requestId: 'r', functionArn: 'arn:aws:lambda:us-west-2:000000000000:function:processor', condition: 'RecordAgeExceeded', approximateInvokeCount: 4 },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-12-02T10:00:00.000Z',
    KinesisBatchInfo: {
      shardId: 'shardId-000000000000',
      startSequenceNumber: '1',
      endSequenceNumber: '9',
      approximateArrivalOfFirstRecord: '2026-12-02T09:00:00.000Z',
      approximateArrivalOfLastRecord: '2026-12-02T09:00:01.000Z',
      batchSize: 5,
      streamArn: 'arn:aws:kinesis:us-west-2:000000000000:stream/bigdatajobs',
    },
  };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'on-failure-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads one record per line, blank lines aside', async () => {
    const file = path.join(dir, 'ok.jsonl');
    writeFileSync(file, `${JSON.stringify(record)}\n\n${JSON.stringify(record)}\n`);

    expect(await readOnFailureRecords(file)).toHaveLength(2);
    expect(streamNameOfArn(record.KinesisBatchInfo.streamArn)).toBe('bigdatajobs');
  });

  it('names the line that is not an on-failure record, before anything is replayed', async () => {
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify(record)}\n{"Messages":[]}\n`);

    await expect(readOnFailureRecords(file)).rejects.toThrow(/bad\.jsonl:2: not an on-failure record/);
    await expect(readOnFailureRecords(path.join(dir, 'missing.jsonl'))).rejects.toThrow(/cannot read the on-failure records/);
    expect(() => streamNameOfArn('bigdatajobs')).toThrow(/not a Kinesis stream ARN/);
  });
});

describe('exitCodeOf', () => {
  it('fails a run whose dead letters failed or could not be read, not one with invalid records only', () => {
    const summary = { deadLetters: 2, alreadyReplayed: 0, rescored: 0, resent: 0, notReplayable: {}, failed: { count: 0, keys: [] }, unreadable: { count: 0, keys: [] } };
    expect(exitCodeOf({ deadLetters: summary })).toBe(0);
    expect(exitCodeOf({ deadLetters: { ...summary, failed: { count: 1, keys: ['k'] } } })).toBe(1);
    expect(exitCodeOf({ deadLetters: { ...summary, unreadable: { count: 1, keys: ['k'] } } })).toBe(1);
    expect(exitCodeOf({ onFailure: { records: [] } })).toBe(0);
  });
});
