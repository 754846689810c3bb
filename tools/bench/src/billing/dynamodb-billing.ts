import type {
  BatchGetItemCommandInput,
  BatchGetItemCommandOutput,
  BatchWriteItemCommandInput,
  BatchWriteItemCommandOutput,
  DeleteItemCommandInput,
  DeleteItemCommandOutput,
  GetItemCommandInput,
  GetItemCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { attributeValueBytes, itemBytes, readUnitsFor, utf8Bytes, writeUnitsFor, type DynamoDbItem } from './dynamodb-item-size';
import type { ItemSizeShadow } from './item-size-shadow';

/** One DynamoDB request as the meter saw it: the command's input, and its output or how it failed. */
export interface DynamoDbCall {
  /** `PutItem`, `UpdateItem`, … (the SDK command name without `Command`). */
  readonly command: string;
  readonly input: object;
  /** Present when the request succeeded. */
  readonly output?: object;
  /** Present when it failed: `conditional` for a ConditionalCheckFailedException (billed), `other` for the rest (not billed). */
  readonly failure?: 'conditional' | 'other';
}

/** What one item (or one Query/Scan page) of a request was billed. */
export interface ItemCharge {
  readonly table: string;
  /** The partition key's value up to its first `#` (`company`, `lane`, …): which kind of item it was. */
  readonly keyPrefix: string;
  readonly kind: 'write' | 'read';
  /** Write or read request units. */
  readonly units: number;
  /** Bytes of the item written (writes that succeeded), for the size statistics. */
  readonly writtenBytes?: number;
  /** The size was estimated rather than known (see {@link billDynamoDbCall}). */
  readonly estimated: boolean;
  /** The write failed its condition (billed all the same). */
  readonly conditionalFailure?: boolean;
}

/** The commands {@link billDynamoDbCall} bills; the rest of the data plane is counted as unmetered. */
export const METERED_DYNAMODB_COMMANDS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'GetItem', 'BatchGetItem', 'Query', 'Scan'] as const;

/** Data-plane commands billed in request units that {@link billDynamoDbCall} does not model. */
export const UNMETERED_DYNAMODB_COMMANDS = ['TransactGetItems', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction'] as const;

/** True for control-plane commands (CreateTable, DescribeTable, …), which bill no request units. */
export function isControlPlaneCommand(command: string): boolean {
  return !(METERED_DYNAMODB_COMMANDS as readonly string[]).includes(command) && !(UNMETERED_DYNAMODB_COMMANDS as readonly string[]).includes(command);
}

/** `company` for `{ pk: { S: 'company#comp_1' } }`: the partition key's value before its first `#`. */
export function keyPrefixOf(key: DynamoDbItem | undefined, keyNames: readonly string[] | undefined): string {
  const first = keyNames?.[0];
  const value = first === undefined ? undefined : key?.[first];
  const text = value?.S ?? value?.N;
  if (text === undefined) return '(unknown)';
  const hash = text.indexOf('#');
  return hash > 0 ? text.slice(0, hash) : '(no prefix)';
}

/** An upper bound of what an update adds: its expression values and names (SET and ADD cannot add more than these bytes). */
function updateGrowthBytes(input: UpdateItemCommandInput): number {
  const values = Object.values(input.ExpressionAttributeValues ?? {}).reduce((sum, value) => sum + attributeValueBytes(value), 0);
  const names = Object.values(input.ExpressionAttributeNames ?? {}).reduce((sum, name) => sum + utf8Bytes(name), 0);
  return values + names;
}

function writeCharge(shadow: ItemSizeShadow, table: string, key: DynamoDbItem, units: number, extra: Partial<ItemCharge> = {}): ItemCharge {
  return { table, keyPrefix: keyPrefixOf(key, shadow.keyNames(table)), kind: 'write', units, estimated: false, ...extra };
}

function billPut(input: PutItemCommandInput, output: PutItemCommandOutput | undefined, failure: DynamoDbCall['failure'], shadow: ItemSizeShadow): ItemCharge[] {
  const table = input.TableName ?? '';
  const item = input.Item ?? {};
  const before = output?.Attributes !== undefined ? itemBytes(output.Attributes) : shadow.sizeOf(table, item);
  if (failure === 'conditional') return [writeCharge(shadow, table, item, writeUnitsFor(before), { conditionalFailure: true })];
  const after = itemBytes(item);
  shadow.record(table, item, after);
  return [writeCharge(shadow, table, item, writeUnitsFor(Math.max(before, after)), { writtenBytes: after })];
}

function billUpdate(input: UpdateItemCommandInput, output: UpdateItemCommandOutput | undefined, failure: DynamoDbCall['failure'], shadow: ItemSizeShadow): ItemCharge[] {
  const table = input.TableName ?? '';
  const key = input.Key ?? {};
  shadow.learnKey(table, key);
  const returned = output?.Attributes;
  const before = input.ReturnValues === 'ALL_OLD' && returned !== undefined ? itemBytes(returned) : shadow.sizeOf(table, key);
  if (failure === 'conditional') return [writeCharge(shadow, table, key, writeUnitsFor(before), { conditionalFailure: true })];
  // ALL_NEW returns the whole item after the update (the meter asks for it when the caller did not
  // ask for anything else); otherwise the size after is bounded by what the update carries.
  const exact = input.ReturnValues === 'ALL_NEW' && returned !== undefined;
  const after = exact ? itemBytes(returned) : Math.max(before, itemBytes(key)) + updateGrowthBytes(input);
  shadow.record(table, key, after);
  return [writeCharge(shadow, table, key, writeUnitsFor(Math.max(before, after)), { writtenBytes: after, estimated: !exact })];
}

function billDelete(input: DeleteItemCommandInput, output: DeleteItemCommandOutput | undefined, failure: DynamoDbCall['failure'], shadow: ItemSizeShadow): ItemCharge[] {
  const table = input.TableName ?? '';
  const key = input.Key ?? {};
  shadow.learnKey(table, key);
  const before = output?.Attributes !== undefined ? itemBytes(output.Attributes) : shadow.sizeOf(table, key);
  if (failure === 'conditional') return [writeCharge(shadow, table, key, writeUnitsFor(before), { conditionalFailure: true })];
  shadow.record(table, key, 0);
  return [writeCharge(shadow, table, key, writeUnitsFor(before))];
}

function billBatchWrite(input: BatchWriteItemCommandInput, output: BatchWriteItemCommandOutput | undefined, shadow: ItemSizeShadow): ItemCharge[] {
  const charges: ItemCharge[] = [];
  for (const [table, requests] of Object.entries(input.RequestItems ?? {})) {
    for (const request of requests) {
      const deleteKey = request.DeleteRequest?.Key;
      if (deleteKey !== undefined) shadow.learnKey(table, deleteKey);
    }
    // Entries handed back unprocessed were not written, and are not billed.
    const unprocessed = new Set(
      (output?.UnprocessedItems?.[table] ?? []).map((request) => shadow.keyOf(table, request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {})).filter((key) => key !== undefined),
    );
    for (const request of requests) {
      const item = request.PutRequest?.Item;
      const key = item ?? request.DeleteRequest?.Key ?? {};
      const id = shadow.keyOf(table, key);
      if (id !== undefined && unprocessed.has(id)) continue;
      const before = shadow.sizeOf(table, key);
      if (item === undefined) {
        shadow.record(table, key, 0);
        charges.push(writeCharge(shadow, table, key, writeUnitsFor(before)));
      } else {
        const after = itemBytes(item);
        shadow.record(table, item, after);
        charges.push(writeCharge(shadow, table, item, writeUnitsFor(Math.max(before, after)), { writtenBytes: after }));
      }
    }
  }
  return charges;
}

/**
 * Bytes a read bills for one returned item: the whole item's size even when a projection returned
 * only part of it (the size then comes from the shadow, else from what was returned: estimated).
 */
function readBytes(table: string, item: DynamoDbItem, projected: boolean, shadow: ItemSizeShadow, key: DynamoDbItem = item): { bytes: number; estimated: boolean } {
  if (!projected) {
    const bytes = itemBytes(item);
    shadow.record(table, key, bytes);
    return { bytes, estimated: false };
  }
  const known = shadow.knownSizeOf(table, key);
  return known === undefined || known === 0 ? { bytes: itemBytes(item), estimated: true } : { bytes: known, estimated: false };
}

function billGet(input: GetItemCommandInput, output: GetItemCommandOutput | undefined, shadow: ItemSizeShadow): ItemCharge[] {
  const table = input.TableName ?? '';
  const key = input.Key ?? {};
  shadow.learnKey(table, key);
  const item = output?.Item;
  const read = item === undefined ? { bytes: 0, estimated: false } : readBytes(table, item, input.ProjectionExpression !== undefined, shadow, key);
  if (item === undefined) shadow.record(table, key, 0);
  return [{ table, keyPrefix: keyPrefixOf(key, shadow.keyNames(table)), kind: 'read', units: readUnitsFor(read.bytes, input.ConsistentRead === true), estimated: read.estimated }];
}

function billBatchGet(input: BatchGetItemCommandInput, output: BatchGetItemCommandOutput | undefined, shadow: ItemSizeShadow): ItemCharge[] {
  const charges: ItemCharge[] = [];
  for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
    const keys = request.Keys ?? [];
    const first = keys[0];
    if (first !== undefined) shadow.learnKey(table, first);
    const consistent = request.ConsistentRead === true;
    const projected = request.ProjectionExpression !== undefined;
    const unprocessed = new Set((output?.UnprocessedKeys?.[table]?.Keys ?? []).map((key) => shadow.keyOf(table, key)));
    const found = new Map<string | undefined, DynamoDbItem>((output?.Responses?.[table] ?? []).map((item) => [shadow.keyOf(table, item), item]));
    // Each key is billed like a GetItem: its item rounded up to 4 KB on its own; a key with no item still reads one block.
    for (const key of keys) {
      const id = shadow.keyOf(table, key);
      if (unprocessed.has(id)) continue;
      const item = found.get(id);
      const read = item === undefined ? { bytes: 0, estimated: false } : readBytes(table, item, projected, shadow, key);
      if (item === undefined) shadow.record(table, key, 0);
      charges.push({ table, keyPrefix: keyPrefixOf(key, shadow.keyNames(table)), kind: 'read', units: readUnitsFor(read.bytes, consistent), estimated: read.estimated });
    }
  }
  return charges;
}

function billQuery(input: QueryCommandInput, output: QueryCommandOutput | undefined, shadow: ItemSizeShadow): ItemCharge[] {
  const table = input.TableName ?? '';
  const items = output?.Items ?? [];
  const projected = input.ProjectionExpression !== undefined || (input.Select !== undefined && input.Select !== 'ALL_ATTRIBUTES');
  let bytes = 0;
  let estimated = false;
  for (const item of items) {
    const read = readBytes(table, item, projected, shadow);
    bytes += read.bytes;
    estimated ||= read.estimated;
  }
  // A filter drops items after they were read (and billed): bill them at the returned items' mean size.
  const filteredOut = Math.max(0, (output?.ScannedCount ?? items.length) - (output?.Count ?? items.length));
  if (filteredOut > 0) {
    bytes += filteredOut * (items.length > 0 ? bytes / items.length : 0);
    estimated = true;
  }
  // The page is one read: its items' sizes summed, then rounded up to 4 KB.
  return [{ table, keyPrefix: keyPrefixOf(items[0], shadow.keyNames(table)), kind: 'read', units: readUnitsFor(bytes, input.ConsistentRead === true), estimated }];
}

/**
 * What DynamoDB on-demand bills for one request, in request units, per the developer guide
 * ("DynamoDB read and write operations", "DynamoDB item sizes and formats", "Condition expressions"):
 *
 * - PutItem, UpdateItem: the larger of the item before and after, rounded up per 1 KB; DeleteItem:
 *   the deleted item; BatchWriteItem: each processed entry as its own PutItem/DeleteItem (entries
 *   returned unprocessed are not billed); at least 1 WRU each.
 * - A write refused by its condition: the item that is there, at least 1 WRU (AWS: "the amount
 *   consumed is dependent on the size of the existing item (or a minimum of 1)").
 * - GetItem: the item rounded up per 4 KB (a missing item reads one block); BatchGetItem: each key
 *   like a GetItem; Query/Scan: one read per page of the returned items' sizes summed, then rounded
 *   up per 4 KB. Half for an eventually consistent read. A read bills the whole item even with a
 *   projection.
 * - Other failures (validation, throttling) bill nothing; control-plane calls bill no request units.
 *
 * "The item before" comes from `shadow` ({@link ItemSizeShadow}), which this call also updates.
 * The size after an UpdateItem is exact when the response carries the whole new item
 * (`ReturnValues: ALL_NEW`); otherwise it is estimated as before + the update's expression values.
 *
 * @returns the charges, or undefined for a data-plane command it does not bill (transactions,
 *   PartiQL), which the caller reports as unmetered
 */
export function billDynamoDbCall(call: DynamoDbCall, shadow: ItemSizeShadow): ItemCharge[] | undefined {
  const { failure } = call;
  if (isControlPlaneCommand(call.command)) return [];
  if (failure === 'other') return [];
  // The command name says which input and output shapes these are.
  switch (call.command) {
    case 'PutItem':
      return billPut(call.input as PutItemCommandInput, call.output as PutItemCommandOutput | undefined, failure, shadow);
    case 'UpdateItem':
      return billUpdate(call.input as UpdateItemCommandInput, call.output as UpdateItemCommandOutput | undefined, failure, shadow);
    case 'DeleteItem':
      return billDelete(call.input as DeleteItemCommandInput, call.output as DeleteItemCommandOutput | undefined, failure, shadow);
    case 'BatchWriteItem':
      return billBatchWrite(call.input as BatchWriteItemCommandInput, call.output as BatchWriteItemCommandOutput | undefined, shadow);
    case 'GetItem':
      return billGet(call.input as GetItemCommandInput, call.output as GetItemCommandOutput | undefined, shadow);
    case 'BatchGetItem':
      return billBatchGet(call.input as BatchGetItemCommandInput, call.output as BatchGetItemCommandOutput | undefined, shadow);
    case 'Query':
    case 'Scan':
      return billQuery(call.input as QueryCommandInput, call.output as QueryCommandOutput | undefined, shadow);
    default:
      return undefined;
  }
}
