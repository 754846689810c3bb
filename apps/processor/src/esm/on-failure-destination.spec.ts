import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonLinesOnFailureDestination, readOnFailureRecords, toOnFailureRecord } from './on-failure-destination';

const record = (sequenceNumber: string, arrivalMs: number) => ({ stream: 'bigdatajobs', shardId: 'shardId-000000000001', sequenceNumber, partitionKey: 'comp_1', arrivalTime: new Date(arrivalMs), data: new Uint8Array() });

describe('toOnFailureRecord', () => {
  it('describes the discarded records as Lambda does for a Kinesis mapping', () => {
    const document = toOnFailureRecord(
      { records: [record('100', Date.UTC(2019, 10, 14, 0, 38, 4, 835)), record('200', Date.UTC(2019, 10, 14, 0, 38, 5, 580))], condition: 'RetryAttemptsExhausted', invocations: 1, functionError: true },
      { functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction', streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream', now: new Date('2019-11-14T00:38:06.021Z') },
    );

    expect(document).toEqual({
      requestContext: { requestId: expect.any(String), functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2019-11-14T00:38:06.021Z',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000001',
        startSequenceNumber: '100',
        endSequenceNumber: '200',
        approximateArrivalOfFirstRecord: '2019-11-14T00:38:04.835Z',
        approximateArrivalOfLastRecord: '2019-11-14T00:38:05.580Z',
        batchSize: 2,
        streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream',
      },
    });
  });

  it('rejects an empty discard', () => {
    expect(() => toOnFailureRecord({ records: [], condition: 'RecordAgeExceeded', invocations: 0, functionError: false }, { functionArn: 'f', streamArn: 's', now: new Date() })).toThrow('at least one record');
  });
});

describe('JsonLinesOnFailureDestination', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'on-failure-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends one document per line, read back in order', async () => {
    const file = path.join(dir, 'nested', 'on-failure.jsonl');
    const destination = new JsonLinesOnFailureDestination(file);
    const context = { functionArn: 'f', streamArn: 's', now: new Date(0) };
    const first = toOnFailureRecord({ records: [record('1', 0)], condition: 'RecordAgeExceeded', invocations: 0, functionError: false }, context);
    const second = toOnFailureRecord({ records: [record('2', 0)], condition: 'RetryAttemptsExhausted', invocations: 11, functionError: false }, context);

    await destination.send(first);
    await destination.send(second);

    expect(await readOnFailureRecords(file)).toEqual([first, second]);
    expect(first.responseContext).toEqual({ executedVersion: '$LATEST' });
  });

  it('reads no records from a missing file', async () => {
    expect(await readOnFailureRecords(path.join(dir, 'none.jsonl'))).toEqual([]);
  });
});
