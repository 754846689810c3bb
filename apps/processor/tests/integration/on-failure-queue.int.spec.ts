import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startMotoServer, type MotoServer } from '@tenant-analytics/local-stack';
import type { KinesisOnFailureRecord } from '../../src/esm/on-failure-destination';
import { drainOnFailureQueue } from '../../src/replay/on-failure-queue';
import { MemoryLogger } from '../../src/testing/in-memory-adapters';

/**
 * The replay tool's reader of the on-failure queue against a real SQS implementation (moto_server,
 * started here on a free loopback port): a message is deleted only once its batch is replayed.
 */
describe('the on-failure queue on moto_server', () => {
  let moto: MotoServer;
  let sqs: SQSClient;

  beforeAll(async () => {
    moto = await startMotoServer();
    sqs = new SQSClient({ region: 'us-west-2', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  });

  afterAll(async () => {
    sqs?.destroy();
    await moto?.stop();
  });

  const record = (first: string, last: string): KinesisOnFailureRecord => ({
    requestContext: { requestId: `r-${first}`, functionArn: 'arn:aws:lambda:us-west-2:000000000000:function:processor', condition: 'RecordAgeExceeded', approximateInvokeCount: 12 },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-12-02T10:00:00.000Z',
    KinesisBatchInfo: {
      shardId: 'shardId-000000000000',
      startSequenceNumber: first,
      endSequenceNumber: last,
      approximateArrivalOfFirstRecord: '2026-12-02T09:00:00.000Z',
      approximateArrivalOfLastRecord: '2026-12-02T09:00:01.000Z',
      batchSize: 3,
      streamArn: 'arn:aws:kinesis:us-west-2:000000000000:stream/bigdatajobs',
    },
  });

  async function queueWith(name: string, bodies: readonly string[]): Promise<string> {
    const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    return url as string;
  }

  async function counts(url: string): Promise<{ visible: number; hidden: number }> {
    const { Attributes: attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    return { visible: Number(attributes.ApproximateNumberOfMessages), hidden: Number(attributes.ApproximateNumberOfMessagesNotVisible) };
  }

  it('hands every on-failure record to the replay and deletes it after, leaving a message that is not one', async () => {
    const url = await queueWith('on-failure-drain', [JSON.stringify(record('1', '3')), '{"not":"an on-failure record"}', JSON.stringify(record('4', '6'))]);
    const handled: string[] = [];

    const drain = await drainOnFailureQueue(sqs, url, async (item) => void handled.push(item.KinesisBatchInfo.startSequenceNumber), new MemoryLogger());

    expect(handled.sort()).toEqual(['1', '4']);
    expect(drain).toMatchObject({ handled: 2, invalid: { count: 1 } });
    expect(await counts(url)).toEqual({ visible: 0, hidden: 1 });
  });

  it('keeps a message whose replay failed, for the next run', async () => {
    const url = await queueWith('on-failure-failing', [JSON.stringify(record('7', '9'))]);

    const failure = await drainOnFailureQueue(sqs, url, async () => Promise.reject(new Error('churn API still down')), new MemoryLogger()).catch((error: unknown) => error);

    expect(failure).toEqual(new Error('churn API still down'));
    expect(await counts(url)).toEqual({ visible: 0, hidden: 1 });
  });
});
