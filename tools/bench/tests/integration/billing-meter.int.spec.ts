import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type ConsumedCapacity,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { BillingMeter, totalsBetween } from '../../src/billing/billing-meter';
import { itemBytes } from '../../src/billing/dynamodb-item-size';

const TABLE = 'billing-meter-test';
const BUCKET = 'billing-meter-test';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A `pk`/`sk` item of exactly `bytes` bytes (ASCII only, so that dynalite sizes it as AWS does). */
function itemOfSize(id: string, bytes: number, extra: Record<string, AttributeValue> = {}): Record<string, AttributeValue> {
  const base = { pk: { S: `company#${id}` }, sk: { S: 'state' }, ...extra };
  return { ...base, d: { S: 'x'.repeat(bytes - itemBytes(base) - 1) } };
}
const keyOf = (id: string) => ({ pk: { S: `company#${id}` }, sk: { S: 'state' } });

/**
 * The meter on a real SDK client against dynalite (in this process, 127.0.0.1, a free port), whose
 * own `ReturnConsumedCapacity` follows DynamoDB's sizes (its tests were run against DynamoDB): every
 * request is billed what dynalite reports and what the developer guide's rules give by hand.
 */
describe('BillingMeter on DynamoDB (dynalite)', () => {
  let server: Server;
  let client: DynamoDBClient;
  let meter: BillingMeter;

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new DynamoDBClient({ region: 'us-west-2', endpoint: `http://127.0.0.1:${port}`, credentials, requestHandler: new NodeHttpHandler() });
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    // Attached after the table exists; the key schema is learnt from the first keyed request.
    meter = new BillingMeter();
    meter.meterDynamoDb(client);
  });

  afterAll(async () => {
    client?.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Sends a request asking for dynalite's capacity figure; returns it with what the meter billed for it. */
  async function billed(send: () => Promise<{ ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }>) {
    const before = meter.snapshot();
    const response = await send();
    const spent = totalsBetween(before, meter.snapshot()).dynamodb.total;
    const capacity = [response.ConsumedCapacity ?? []].flat().reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
    return { meter: spent.writeUnits + spent.readUnits, dynalite: capacity, spent };
  }

  it('bills writes as dynalite counts them and as the rules give by hand', async () => {
    // Prepare: the first keyed request teaches the meter the table's key (and bills a miss: 1 RRU)
    const miss = await billed(() => client.send(new GetItemCommand({ TableName: TABLE, Key: keyOf('a'), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' })));

    // Act: a 1.5 KB item, replaced by a 12.9 KB one, then by 800 B; an update growing another to 3.1 KB; a batch; a delete
    const created = await billed(() => client.send(new PutItemCommand({ TableName: TABLE, Item: itemOfSize('a', 1_536), ReturnConsumedCapacity: 'TOTAL' })));
    const grown = await billed(() => client.send(new PutItemCommand({ TableName: TABLE, Item: itemOfSize('a', 13_210), ReturnConsumedCapacity: 'TOTAL' })));
    const shrunk = await billed(() => client.send(new PutItemCommand({ TableName: TABLE, Item: itemOfSize('a', 800), ReturnConsumedCapacity: 'TOTAL' })));
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemOfSize('b', 900) }));
    const updated = await billed(() =>
      client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: keyOf('b'),
          UpdateExpression: 'SET e = :e',
          ExpressionAttributeValues: { ':e': { S: 'y'.repeat(2_275) } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    const batch = await billed(() =>
      client.send(
        new BatchWriteItemCommand({
          RequestItems: { [TABLE]: [{ PutRequest: { Item: itemOfSize('c', 2_100) } }, { PutRequest: { Item: itemOfSize('a', 5_000) } }, { DeleteRequest: { Key: keyOf('b') } }] },
        }),
      ),
    );
    const deleted = await billed(() => client.send(new DeleteItemCommand({ TableName: TABLE, Key: keyOf('c'), ReturnConsumedCapacity: 'TOTAL' })));

    // Assess: by hand (1.5 KB → 2; max(1.5, 12.9) → 13; max(12.9, 0.8) → 13; max(0.9, 3.1) → 4; 3 + 5 + 4 → 12; 2.1 → 3)
    expect(miss.meter).toBe(1);
    expect([created, grown, shrunk, updated, deleted].map((request) => request.meter)).toEqual([2, 13, 13, 4, 3]);
    expect(batch.meter).toBe(3 + 5 + 4);
    // … and as dynalite counts them (it reports no capacity for BatchWriteItem)
    expect([miss, created, grown, shrunk, updated, deleted].map((request) => request.dynalite)).toEqual([1, 2, 13, 13, 4, 3]);
    expect(updated.spent.estimated).toBe(0);
  });

  it('hands an UpdateItem caller that asked for nothing no item back', async () => {
    // Prepare
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemOfSize('u', 300) }));

    // Act
    const response = await client.send(new UpdateItemCommand({ TableName: TABLE, Key: keyOf('u'), UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '1' } } }));

    // Assess
    expect(response.Attributes).toBeUndefined();
  });

  it('bills a write refused by its condition the item that is there', async () => {
    // Prepare: a 6.2 KB item
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemOfSize('f', 6_350, { version: { N: '3' } }) }));
    const before = meter.snapshot();

    // Act
    const refused = client.send(
      new PutItemCommand({ TableName: TABLE, Item: itemOfSize('f', 900, { version: { N: '2' } }), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: '1' } } }),
    );

    // Assess
    await expect(refused).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(totalsBetween(before, meter.snapshot()).dynamodb.total).toMatchObject({ writeUnits: 7, conditionalFailures: 1 });
  });

  it('bills reads as dynalite counts them: per 4 KB per item, a Query page summed first, half when eventually consistent', async () => {
    // Prepare: three items of one partition for the Query, and two for BatchGetItem
    const partition = (sk: string, bytes: number) => {
      const base = { pk: { S: 'query#1' }, sk: { S: sk } };
      return { ...base, d: { S: 'x'.repeat(bytes - itemBytes(base) - 1) } };
    };
    for (const [sk, bytes] of [['1', 1_536], ['2', 1_536], ['3', 1_536]] as const) await client.send(new PutItemCommand({ TableName: TABLE, Item: partition(sk, bytes) }));
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemOfSize('g1', 1_536) }));
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemOfSize('g2', 6_656) }));

    // Act
    const strong = await billed(() => client.send(new GetItemCommand({ TableName: TABLE, Key: keyOf('g2'), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' })));
    const eventual = await billed(() => client.send(new GetItemCommand({ TableName: TABLE, Key: keyOf('g2'), ReturnConsumedCapacity: 'TOTAL' })));
    const batch = await billed(() =>
      client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [keyOf('g1'), keyOf('g2')], ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' })),
    );
    const query = await billed(() =>
      client.send(
        new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'query#1' } }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
      ),
    );

    // Assess: 6.5 KB → 8 KB: 2 (1 eventual); AWS's 1.5 KB + 6.5 KB BatchGetItem example: 4 + 8 KB → 3; Query 3 × 1.5 KB = 4.5 KB → 8 KB → 2
    expect([strong, eventual, batch, query].map((request) => request.meter)).toEqual([2, 1, 3, 2]);
    expect([strong, eventual, batch, query].map((request) => request.dynalite)).toEqual([2, 1, 3, 2]);
  });
});

describe('BillingMeter on S3 (s3rver)', () => {
  let server: S3rver;
  let client: S3Client;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'billing-meter-s3-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: BUCKET }] });
    const { port } = await server.run();
    client = new S3Client({ region: 'us-west-2', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials, requestHandler: new NodeHttpHandler() });
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('counts every request by price class, a 404 included', async () => {
    // Prepare
    const meter = new BillingMeter();
    meter.meterS3(client);

    // Act
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a.jsonl.gz', Body: 'x' }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'b.jsonl.gz', Body: 'y' }));
    await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a.jsonl.gz' }))).Body?.transformToString();
    await expect(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'missing' }))).rejects.toThrow();

    // Assess
    expect(meter.snapshot().s3).toEqual({
      requests: { 'put-copy-post-list': 3, 'get-and-other': 2, free: 0 },
      byCommand: { PutObject: 2, ListObjectsV2: 1, GetObject: 1, HeadObject: 1 },
    });
  });
});
