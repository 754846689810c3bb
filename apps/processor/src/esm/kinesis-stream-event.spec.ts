import { toKinesisStreamEvent } from './kinesis-stream-event';

describe('toKinesisStreamEvent', () => {
  it('builds records in the shape Lambda delivers them', () => {
    const event = toKinesisStreamEvent(
      [{ stream: 'bigdatajobs', shardId: 'shardId-000000000006', sequenceNumber: '4959', partitionKey: 'comp_1', arrivalTime: new Date(1_545_084_650_987), data: Buffer.from('Hello') }],
      { region: 'us-east-2', accountId: '123456789012', invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role' },
    );

    expect(event).toEqual({
      Records: [
        {
          kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'comp_1', sequenceNumber: '4959', data: 'SGVsbG8=', approximateArrivalTimestamp: 1_545_084_650.987 },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: 'shardId-000000000006:4959',
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
          awsRegion: 'us-east-2',
          eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/bigdatajobs',
        },
      ],
    });
  });
});
