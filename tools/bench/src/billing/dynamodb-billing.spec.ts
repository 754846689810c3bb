import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { billDynamoDbCall, isControlPlaneCommand, keyPrefixOf, type DynamoDbCall } from './dynamodb-billing';
import { itemBytes } from './dynamodb-item-size';
import { ItemSizeShadow } from './item-size-shadow';

const TABLE = 'state';
const KB = 1_024;

/** A `pk`/`sk` item of exactly `bytes` bytes (the padding attribute `d` fills it up). */
function itemOfSize(id: string, bytes: number): Record<string, AttributeValue> {
  const key = { pk: { S: `company#${id}` }, sk: { S: 'state' } };
  const fixed = itemBytes(key) + 1; // + the name "d"
  if (bytes < fixed) throw new RangeError(`an item needs at least ${fixed} bytes`);
  return { ...key, d: { S: 'x'.repeat(bytes - fixed) } };
}

const keyOf = (id: string) => ({ pk: { S: `company#${id}` }, sk: { S: 'state' } });

/** A shadow that knows the table's key, as after the first keyed request. */
const newShadow = () => new ItemSizeShadow({ [TABLE]: ['pk', 'sk'] });

const units = (charges: ReturnType<typeof billDynamoDbCall>) => (charges ?? []).reduce((sum, charge) => sum + charge.units, 0);

describe('billDynamoDbCall', () => {
  describe('writes', () => {
    it('bills a new item by its size, rounded up per 1 KB', () => {
      // Prepare
      const shadow = newShadow();
      const put: DynamoDbCall = { command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 1_500) }, output: {} };

      // Act
      const charges = billDynamoDbCall(put, shadow);

      // Assess
      expect(charges).toEqual([{ table: TABLE, keyPrefix: 'company', kind: 'write', units: 2, writtenBytes: 1_500, estimated: false }]);
      expect(shadow.sizeOf(TABLE, keyOf('a'))).toBe(1_500);
    });

    it('bills a replacing PutItem the larger of the item before and after', () => {
      // Prepare: 12.9 KB before (the company item), 800 B after
      const shadow = newShadow();
      billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', Math.round(12.9 * KB)) }, output: {} }, shadow);

      // Act
      const charges = billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 800) }, output: {} }, shadow);

      // Assess
      expect(units(charges)).toBe(13);
      expect(shadow.sizeOf(TABLE, keyOf('a'))).toBe(800);
    });

    it('bills a failed conditional write the existing item, as AWS’s condition-expression example does', () => {
      // Prepare: "an existing item is 300 KB and the new item 310 KB: 300 WCU if the condition fails, 310 if it succeeds"
      const shadow = newShadow();
      billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 300 * KB) }, output: {} }, shadow);
      const next = { TableName: TABLE, Item: itemOfSize('a', 310 * KB), ConditionExpression: 'version = :v' };

      // Act
      const failed = billDynamoDbCall({ command: 'PutItem', input: next, failure: 'conditional' }, shadow);
      const succeeded = billDynamoDbCall({ command: 'PutItem', input: next, output: {} }, shadow);

      // Assess
      expect(failed).toEqual([expect.objectContaining({ units: 300, conditionalFailure: true })]);
      expect(failed?.[0]?.writtenBytes).toBeUndefined();
      expect(units(succeeded)).toBe(310);
    });

    it('bills a failed conditional write of a new item 1 WRU (AWS: "a minimum of 1")', () => {
      // Act
      const charges = billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('new', 310 * KB), ConditionExpression: 'attribute_not_exists(pk)' }, failure: 'conditional' }, newShadow());

      // Assess
      expect(units(charges)).toBe(1);
    });

    it('bills nothing for a request that failed otherwise (validation, throttling)', () => {
      // Act & assess
      expect(billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 5 * KB) }, failure: 'other' }, newShadow())).toEqual([]);
    });

    it('bills an UpdateItem the larger of before and after, with the size after from the ALL_NEW item', () => {
      // Prepare: 2.5 KB before, 4.2 KB after
      const shadow = newShadow();
      billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 2_560) }, output: {} }, shadow);
      const after = itemOfSize('a', 4_300);

      // Act
      const charges = billDynamoDbCall(
        { command: 'UpdateItem', input: { TableName: TABLE, Key: keyOf('a'), UpdateExpression: 'SET d = :d', ReturnValues: 'ALL_NEW', ExpressionAttributeValues: { ':d': after['d'] } }, output: { Attributes: after } },
        shadow,
      );

      // Assess
      expect(charges).toEqual([expect.objectContaining({ units: 5, writtenBytes: 4_300, estimated: false })]);
      expect(shadow.sizeOf(TABLE, keyOf('a'))).toBe(4_300);
    });

    it('bills a shrinking UpdateItem at the item before', () => {
      // Prepare
      const shadow = newShadow();
      billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 9 * KB) }, output: {} }, shadow);

      // Act
      const charges = billDynamoDbCall({ command: 'UpdateItem', input: { TableName: TABLE, Key: keyOf('a'), UpdateExpression: 'REMOVE d', ReturnValues: 'ALL_NEW' }, output: { Attributes: keyOf('a') } }, shadow);

      // Assess
      expect(units(charges)).toBe(9);
    });

    it('estimates the size after an UpdateItem that returned no whole item as before + the update’s values', () => {
      // Prepare: 1,000 B before, an update carrying a 300-byte value
      const shadow = newShadow();
      billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 1_000) }, output: {} }, shadow);

      // Act
      const charges = billDynamoDbCall(
        { command: 'UpdateItem', input: { TableName: TABLE, Key: keyOf('a'), UpdateExpression: 'SET e = :e', ExpressionAttributeValues: { ':e': { S: 'y'.repeat(300) } }, ReturnValues: 'UPDATED_OLD' }, output: {} },
        shadow,
      );

      // Assess
      expect(charges).toEqual([expect.objectContaining({ units: 2, writtenBytes: 1_300, estimated: true })]);
    });

    it('bills a failed conditional UpdateItem the item there, and leaves the shadow as it was', () => {
      // Prepare
      const shadow = newShadow();
      billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 3 * KB) }, output: {} }, shadow);

      // Act
      const charges = billDynamoDbCall({ command: 'UpdateItem', input: { TableName: TABLE, Key: keyOf('a'), UpdateExpression: 'SET d = :d', ReturnValues: 'ALL_NEW' }, failure: 'conditional' }, shadow);

      // Assess
      expect(charges).toEqual([expect.objectContaining({ units: 3, conditionalFailure: true })]);
      expect(shadow.sizeOf(TABLE, keyOf('a'))).toBe(3 * KB);
    });

    it('bills a DeleteItem the deleted item and forgets it', () => {
      // Prepare
      const shadow = newShadow();
      billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 2_100) }, output: {} }, shadow);

      // Act
      const charges = billDynamoDbCall({ command: 'DeleteItem', input: { TableName: TABLE, Key: keyOf('a') }, output: {} }, shadow);
      const again = billDynamoDbCall({ command: 'DeleteItem', input: { TableName: TABLE, Key: keyOf('a') }, output: {} }, shadow);

      // Assess
      expect(units(charges)).toBe(3);
      expect(units(again)).toBe(1);
    });

    it('bills each processed BatchWriteItem entry as its own write, and none of the unprocessed ones', () => {
      // Prepare: b exists at 4.5 KB; the batch puts a (1.5 KB), replaces b (with 0.5 KB), deletes c (unknown: absent), and d comes back unprocessed
      const shadow = newShadow();
      billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('b', 4_600) }, output: {} }, shadow);
      const d = { PutRequest: { Item: itemOfSize('d', 8 * KB) } };
      const input = {
        RequestItems: {
          [TABLE]: [{ PutRequest: { Item: itemOfSize('a', 1_500) } }, { PutRequest: { Item: itemOfSize('b', 500) } }, { DeleteRequest: { Key: keyOf('c') } }, d],
        },
      };

      // Act
      const charges = billDynamoDbCall({ command: 'BatchWriteItem', input, output: { UnprocessedItems: { [TABLE]: [d] } } }, shadow);

      // Assess
      expect(charges?.map((charge) => charge.units)).toEqual([2, 5, 1]);
      expect(shadow.knownSizeOf(TABLE, keyOf('d'))).toBeUndefined();
      expect(shadow.sizeOf(TABLE, keyOf('b'))).toBe(500);
    });
  });

  describe('reads', () => {
    it('bills a GetItem per 4 KB of the item, half when eventually consistent', () => {
      // Prepare: a 3.5 KB item (AWS: rounded up to 4 KB) and a 10 KB one (rounded up to 12 KB)
      const shadow = newShadow();
      const small = itemOfSize('a', 3_584);
      const large = itemOfSize('b', 10 * KB);

      // Act
      const strong = billDynamoDbCall({ command: 'GetItem', input: { TableName: TABLE, Key: keyOf('a'), ConsistentRead: true }, output: { Item: small } }, shadow);
      const eventual = billDynamoDbCall({ command: 'GetItem', input: { TableName: TABLE, Key: keyOf('b') }, output: { Item: large } }, shadow);

      // Assess
      expect(units(strong)).toBe(1);
      expect(units(eventual)).toBe(1.5);
      expect(shadow.sizeOf(TABLE, keyOf('b'))).toBe(10 * KB);
    });

    it('bills a GetItem that finds nothing one block, and notes the item as absent', () => {
      // Prepare
      const shadow = newShadow();

      // Act
      const charges = billDynamoDbCall({ command: 'GetItem', input: { TableName: TABLE, Key: keyOf('none'), ConsistentRead: true }, output: {} }, shadow);

      // Assess
      expect(units(charges)).toBe(1);
      expect(shadow.knownSizeOf(TABLE, keyOf('none'))).toBe(0);
    });

    it('bills a projected GetItem the whole item, known from the shadow', () => {
      // Prepare: the meter saw the 9 KB item written; the read returns only `sk`
      const shadow = newShadow();
      billDynamoDbCall({ command: 'PutItem', input: { TableName: TABLE, Item: itemOfSize('a', 9 * KB) }, output: {} }, shadow);

      // Act
      const charges = billDynamoDbCall({ command: 'GetItem', input: { TableName: TABLE, Key: keyOf('a'), ProjectionExpression: 'sk', ConsistentRead: true }, output: { Item: { sk: { S: 'state' } } } }, shadow);

      // Assess
      expect(units(charges)).toBe(3);
      expect(shadow.sizeOf(TABLE, keyOf('a'))).toBe(9 * KB);
    });

    it('rounds each BatchGetItem item on its own: AWS’s 1.5 KB + 6.5 KB example bills 12 KB', () => {
      // Prepare: two found items and one missing key, strongly consistent
      const shadow = newShadow();
      const a = itemOfSize('a', 1_536);
      const b = itemOfSize('b', 6_656);
      const input = { RequestItems: { [TABLE]: { Keys: [keyOf('a'), keyOf('b'), keyOf('missing')], ConsistentRead: true } } };

      // Act
      const charges = billDynamoDbCall({ command: 'BatchGetItem', input, output: { Responses: { [TABLE]: [b, a] } } }, shadow);

      // Assess: 4 KB + 8 KB = 3 RRU, and 1 for the missing key
      expect(charges?.map((charge) => charge.units)).toEqual([1, 2, 1]);
    });

    it('skips BatchGetItem keys handed back unprocessed', () => {
      // Prepare
      const input = { RequestItems: { [TABLE]: { Keys: [keyOf('a'), keyOf('b')] } } };

      // Act
      const charges = billDynamoDbCall({ command: 'BatchGetItem', input, output: { Responses: { [TABLE]: [itemOfSize('a', 100)] }, UnprocessedKeys: { [TABLE]: { Keys: [keyOf('b')] } } } }, newShadow());

      // Assess
      expect(charges?.map((charge) => charge.units)).toEqual([0.5]);
    });

    it('sums a Query page’s items before rounding up per 4 KB', () => {
      // Prepare: three 1.5 KB items = 4.5 KB, one page → 8 KB → 2 RRU (3 if each were rounded)
      const items = [itemOfSize('a', 1_536), itemOfSize('b', 1_536), itemOfSize('c', 1_536)];

      // Act
      const charges = billDynamoDbCall({ command: 'Query', input: { TableName: TABLE, ConsistentRead: true }, output: { Items: items, Count: 3, ScannedCount: 3 } }, newShadow());

      // Assess
      expect(charges).toEqual([expect.objectContaining({ kind: 'read', units: 2, estimated: false })]);
    });

    it('bills an empty Query page one block, and estimates items a filter dropped at the mean size', () => {
      // Act
      const empty = billDynamoDbCall({ command: 'Query', input: { TableName: TABLE }, output: { Items: [], Count: 0, ScannedCount: 0 } }, newShadow());
      const filtered = billDynamoDbCall(
        { command: 'Query', input: { TableName: TABLE, ConsistentRead: true, FilterExpression: 'x = :x' }, output: { Items: [itemOfSize('a', 3 * KB)], Count: 1, ScannedCount: 3 } },
        newShadow(),
      );

      // Assess
      expect(units(empty)).toBe(0.5);
      expect(filtered).toEqual([expect.objectContaining({ units: 3, estimated: true })]);
    });
  });

  it('bills control-plane calls nothing and leaves transactions unmetered', () => {
    // Act & assess
    expect(billDynamoDbCall({ command: 'DescribeTable', input: { TableName: TABLE }, output: {} }, newShadow())).toEqual([]);
    expect(billDynamoDbCall({ command: 'TransactWriteItems', input: { TransactItems: [] }, output: {} }, newShadow())).toBeUndefined();
    expect(isControlPlaneCommand('CreateTable')).toBe(true);
    expect(isControlPlaneCommand('UpdateItem')).toBe(false);
  });
});

describe('keyPrefixOf', () => {
  it('takes the partition key’s value up to its first #', () => {
    // Act & assess
    expect(keyPrefixOf({ pk: { S: 'lane#bigdatajobs/shardId-0' } }, ['pk'])).toBe('lane');
    expect(keyPrefixOf({ pk: { S: 'plain' } }, ['pk'])).toBe('(no prefix)');
    expect(keyPrefixOf({ pk: { S: 'x#y' } }, undefined)).toBe('(unknown)');
  });
});
