import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, InitializeMiddleware } from '@smithy/types';
import { BillingMeter, totalsBetween } from './billing-meter';

const TABLE = 'state';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

/** Runs `middleware` for one command with `respond` standing in for the rest of the SDK stack; returns what the caller got and what went down the stack. */
async function run(middleware: InitializeMiddleware<Input, Output>, commandName: string, input: Input, respond: (input: Input) => Output | Error) {
  const sent: Input[] = [];
  const next: InitializeHandler<Input, Output> = async (args: InitializeHandlerArguments<Input>) => {
    sent.push(args.input);
    const response = respond(args.input);
    if (response instanceof Error) throw response;
    return { output: { $metadata: {}, ...response }, response: {} };
  };
  const context: HandlerExecutionContext = { commandName };
  const result = await middleware(next, context)({ input });
  return { output: result.output, sent: sent[0] };
}

/** A company item of exactly `bytes` bytes: its key (2 + 10, 2 + 5 bytes) and a padding attribute `d`. */
const companyItem = (bytes: number) => ({ pk: { S: 'company#c1' }, sk: { S: 'state' }, d: { S: 'x'.repeat(bytes - 12 - 7 - 1) } });

describe('BillingMeter', () => {
  it('bills DynamoDB writes and reads through its middleware, by item kind', async () => {
    // Prepare
    const meter = new BillingMeter({ keySchemas: { [TABLE]: ['pk', 'sk'] } });
    const middleware = meter.dynamoDbMiddleware<Input, Output>();

    // Act: a 2.5 KB company item written, then read strongly and a lane item read eventually
    await run(middleware, 'PutItemCommand', { TableName: TABLE, Item: companyItem(2_560) }, () => ({}));
    await run(middleware, 'GetItemCommand', { TableName: TABLE, Key: { pk: { S: 'company#c1' }, sk: { S: 'state' } }, ConsistentRead: true }, () => ({ Item: companyItem(2_560) }));
    await run(middleware, 'GetItemCommand', { TableName: TABLE, Key: { pk: { S: 'lane#s-0' }, sk: { S: 'lane' } } }, () => ({}));

    // Assess
    const totals = meter.snapshot().dynamodb;
    expect(totals.total).toEqual({ writeUnits: 3, readUnits: 1.5, writes: 1, reads: 2, conditionalFailures: 0, estimated: 0, writtenBytes: 2_560, sizedWrites: 1 });
    expect(totals.byItemKind[`${TABLE}/company`]).toMatchObject({ writeUnits: 3, readUnits: 1 });
    expect(totals.byItemKind[`${TABLE}/lane`]).toMatchObject({ writeUnits: 0, readUnits: 0.5 });
    expect(totals.requests).toEqual({ PutItem: 1, GetItem: 2 });
  });

  it('bills a write refused by its condition, and still throws the SDK’s error to the caller', async () => {
    // Prepare: a 5 KB item exists
    const meter = new BillingMeter({ keySchemas: { [TABLE]: ['pk', 'sk'] } });
    const middleware = meter.dynamoDbMiddleware<Input, Output>();
    await run(middleware, 'PutItemCommand', { TableName: TABLE, Item: companyItem(5 * 1_024) }, () => ({}));
    const refusal = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

    // Act
    const attempt = run(middleware, 'PutItemCommand', { TableName: TABLE, Item: companyItem(100), ConditionExpression: 'version = :v' }, () => refusal);

    // Assess
    await expect(attempt).rejects.toBe(refusal);
    expect(meter.snapshot().dynamodb.total).toMatchObject({ writeUnits: 5 + 5, writes: 2, conditionalFailures: 1 });
  });

  it('asks an UpdateItem for the item after it and hides it from a caller that asked for nothing', async () => {
    // Prepare
    const meter = new BillingMeter({ keySchemas: { [TABLE]: ['pk', 'sk'] } });
    const middleware = meter.dynamoDbMiddleware<Input, Output>();
    const input = { TableName: TABLE, Key: { pk: { S: 'company#c1' }, sk: { S: 'state' } }, UpdateExpression: 'SET d = :d' };

    // Act
    const { output, sent } = await run(middleware, 'UpdateItemCommand', input, () => ({ Attributes: companyItem(1_500) }));

    // Assess
    expect(sent).toMatchObject({ ReturnValues: 'ALL_NEW' });
    expect(input).not.toHaveProperty('ReturnValues');
    expect(output).not.toHaveProperty('Attributes');
    expect(meter.snapshot().dynamodb.total).toMatchObject({ writeUnits: 2, estimated: 0 });
  });

  it('leaves an UpdateItem that asked for values of its own as it is, and its answer too', async () => {
    // Prepare
    const meter = new BillingMeter({ keySchemas: { [TABLE]: ['pk', 'sk'] } });
    const middleware = meter.dynamoDbMiddleware<Input, Output>();
    const input = { TableName: TABLE, Key: { pk: { S: 'lane#s' }, sk: { S: 'lane' } }, UpdateExpression: 'SET c = :c', ExpressionAttributeValues: { ':c': { S: 'v' } }, ReturnValues: 'UPDATED_OLD' };

    // Act
    const { output, sent } = await run(middleware, 'UpdateItemCommand', input, () => ({ Attributes: { c: { S: 'old' } } }));

    // Assess
    expect(sent).toBe(input);
    expect(output).toMatchObject({ Attributes: { c: { S: 'old' } } });
    expect(meter.snapshot().dynamodb.total).toMatchObject({ writeUnits: 1, estimated: 1 });
  });

  it('does not ask for the item when told not to', async () => {
    // Prepare
    const meter = new BillingMeter({ exactUpdateSizes: false });
    const input = { TableName: TABLE, Key: { pk: { S: 'lane#s' }, sk: { S: 'lane' } }, UpdateExpression: 'SET c = :c' };

    // Act
    const { sent } = await run(meter.dynamoDbMiddleware<Input, Output>(), 'UpdateItemCommand', input, () => ({}));

    // Assess
    expect(sent).toBe(input);
  });

  it('counts data-plane requests it cannot bill as unmetered', async () => {
    // Prepare
    const meter = new BillingMeter();

    // Act
    await run(meter.dynamoDbMiddleware<Input, Output>(), 'TransactWriteItemsCommand', { TransactItems: [] }, () => ({}));

    // Assess
    expect(meter.snapshot().dynamodb.unmetered).toEqual({ TransactWriteItems: 1 });
  });

  it('counts S3 requests by price class, failed ones included', async () => {
    // Prepare
    const meter = new BillingMeter();
    const middleware = meter.s3Middleware<Input, Output>();

    // Act
    await run(middleware, 'PutObjectCommand', { Bucket: 'b', Key: 'k' }, () => ({}));
    await run(middleware, 'PutObjectCommand', { Bucket: 'b', Key: 'k2' }, () => ({}));
    await expect(run(middleware, 'GetObjectCommand', { Bucket: 'b', Key: 'missing' }, () => new Error('NoSuchKey'))).rejects.toThrow('NoSuchKey');
    await run(middleware, 'DeleteObjectCommand', { Bucket: 'b', Key: 'k' }, () => ({}));

    // Assess
    expect(meter.snapshot().s3).toEqual({ requests: { 'put-copy-post-list': 2, 'get-and-other': 1, free: 1 }, byCommand: { PutObject: 2, GetObject: 1, DeleteObject: 1 } });
  });

  it('counts Kinesis records and PUT payload units by stream', async () => {
    // Prepare
    const meter = new BillingMeter();
    const middleware = meter.kinesisMiddleware<Input, Output>();

    // Act
    await run(middleware, 'PutRecordsCommand', { StreamName: 'enriched', Records: [{ Data: new Uint8Array(100), PartitionKey: 'a' }, { Data: new Uint8Array(30_000), PartitionKey: 'b' }] }, () => ({ Records: [{}, {}] }));
    await run(middleware, 'GetRecordsCommand', { ShardIterator: 'i' }, () => ({ Records: [] }));

    // Assess
    expect(meter.snapshot().kinesis.byStream).toEqual({ enriched: { records: 2, payloadUnits: 3 } });
  });
});

describe('totalsBetween', () => {
  it('subtracts two snapshots field by field, new keys counting from zero', async () => {
    // Prepare
    const meter = new BillingMeter({ keySchemas: { [TABLE]: ['pk', 'sk'] } });
    const dynamodb = meter.dynamoDbMiddleware<Input, Output>();
    await run(dynamodb, 'PutItemCommand', { TableName: TABLE, Item: companyItem(500) }, () => ({}));
    const before = meter.snapshot();
    await run(dynamodb, 'PutItemCommand', { TableName: TABLE, Item: companyItem(3_000) }, () => ({}));
    await run(meter.s3Middleware<Input, Output>(), 'PutObjectCommand', { Bucket: 'b', Key: 'k' }, () => ({}));

    // Act
    const spent = totalsBetween(before, meter.snapshot());

    // Assess
    expect(spent.dynamodb.total).toMatchObject({ writeUnits: 3, writes: 1, writtenBytes: 3_000 });
    expect(spent.dynamodb.requests).toEqual({ PutItem: 1 });
    expect(spent.s3.requests['put-copy-post-list']).toBe(1);
  });
});
