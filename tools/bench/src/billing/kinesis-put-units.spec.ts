import { PUT_PAYLOAD_UNIT_BYTES, putPayloadUnits, putRecordsUnits, putRecordUnits } from './kinesis-put-units';

const KB = 1_024;

describe('putPayloadUnits', () => {
  it('counts started 25 KB chunks, as the Kinesis pricing examples do (5 KB → 1, 45 KB → 2)', () => {
    // Act & assess
    expect(putPayloadUnits(5 * KB, '')).toBe(1);
    expect(putPayloadUnits(45 * KB, '')).toBe(2);
    expect(putPayloadUnits(1_000 * KB, '')).toBe(40);
    expect(putPayloadUnits(1_000 * KB + 1, '')).toBe(41);
    expect(putPayloadUnits(0, '')).toBe(1);
  });

  it('counts the partition key with the data', () => {
    // Act & assess
    expect(putPayloadUnits(PUT_PAYLOAD_UNIT_BYTES - 2, 'abc')).toBe(2);
  });
});

describe('putRecordUnits', () => {
  it('names the stream from StreamName or the stream ARN', () => {
    // Act
    const byName = putRecordUnits({ StreamName: 'jobs', Data: new Uint8Array(10), PartitionKey: 'k' });
    const byArn = putRecordUnits({ StreamARN: 'arn:aws:kinesis:us-west-2:123456789012:stream/enriched', Data: new Uint8Array(10), PartitionKey: 'k' });

    // Assess
    expect(byName).toEqual({ stream: 'jobs', records: 1, payloadUnits: 1 });
    expect(byArn.stream).toBe('enriched');
  });
});

describe('putRecordsUnits', () => {
  it('counts only the entries Kinesis accepted', () => {
    // Prepare
    const input = {
      StreamName: 'enriched',
      Records: [
        { Data: new Uint8Array(30 * KB), PartitionKey: 'a' },
        { Data: new Uint8Array(100), PartitionKey: 'b' },
        { Data: new Uint8Array(100), PartitionKey: 'c' },
      ],
    };
    const output = { $metadata: {}, Records: [{ SequenceNumber: '1', ShardId: 's' }, { ErrorCode: 'ProvisionedThroughputExceededException' }, { SequenceNumber: '2', ShardId: 's' }] };

    // Act
    const put = putRecordsUnits(input, output);

    // Assess
    expect(put).toEqual({ stream: 'enriched', records: 2, payloadUnits: 3 });
  });
});
