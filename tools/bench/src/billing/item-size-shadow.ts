import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDbItem } from './dynamodb-item-size';

/** The primary-key attribute names of each table, when known in advance (the meter also learns them). */
export type KeySchemas = Readonly<Record<string, readonly string[]>>;

function canonicalValue(value: AttributeValue): string {
  if (value.S !== undefined) return `S:${value.S}`;
  if (value.N !== undefined) return `N:${value.N}`;
  if (value.B !== undefined) return `B:${Buffer.from(value.B).toString('base64')}`;
  return JSON.stringify(value);
}

/**
 * The size of every item the meter has seen, by table and primary key: what "the item before" a
 * write was, which DynamoDB bills but the request does not tell (an UpdateItem or PutItem bills the
 * larger of the item before and after; a failed conditional write bills the item that is there).
 *
 * Fed by every write and every full-item read the meter sees. The approximation: an item the meter
 * never saw counts as absent. That is exact when the meter sees every request since the table was
 * created (the benchmark starts from a fresh local stack, and all clients of the processor are
 * metered); items written by an unmetered client, or before the meter was attached, are
 * under-billed on their first write. Key attribute names are learnt from requests that carry a
 * `Key` (GetItem, UpdateItem, DeleteItem, BatchGetItem, delete requests) or given up front; until a
 * table's key is known, its items cannot be filed (counted in {@link unkeyed}).
 */
export class ItemSizeShadow {
  private readonly schemas = new Map<string, readonly string[]>();
  private readonly sizes = new Map<string, Map<string, number>>();
  /** Items that could not be filed because their table's key attributes were not known yet. */
  unkeyed = 0;

  constructor(schemas: KeySchemas = {}) {
    for (const [table, names] of Object.entries(schemas)) this.schemas.set(table, [...names]);
  }

  /** Notes a table's key attribute names from a request's `Key` (first one wins; key names never change). */
  learnKey(table: string, key: DynamoDbItem): void {
    if (!this.schemas.has(table)) this.schemas.set(table, Object.keys(key));
  }

  /** The key attribute names of `table`, if known. */
  keyNames(table: string): readonly string[] | undefined {
    return this.schemas.get(table);
  }

  /** A stable string for an item's primary key (from the item itself or from a `Key`); undefined if the table's key is unknown or missing from it. */
  keyOf(table: string, itemOrKey: DynamoDbItem): string | undefined {
    const names = this.schemas.get(table);
    if (names === undefined) return undefined;
    const parts: string[] = [];
    for (const name of [...names].sort()) {
      const value = itemOrKey[name];
      if (value === undefined) return undefined;
      parts.push(`${name}=${canonicalValue(value)}`);
    }
    return parts.join('\u0000');
  }

  /** Bytes of the item with this key: 0 if known absent or never seen (see the class note). */
  sizeOf(table: string, itemOrKey: DynamoDbItem): number {
    return this.knownSizeOf(table, itemOrKey) ?? 0;
  }

  /** Bytes of the item with this key if the meter has seen it (0 = seen absent), else undefined. */
  knownSizeOf(table: string, itemOrKey: DynamoDbItem): number | undefined {
    const key = this.keyOf(table, itemOrKey);
    return key === undefined ? undefined : this.sizes.get(table)?.get(key);
  }

  /** Records the item's size after a write or read (0 = absent). */
  record(table: string, itemOrKey: DynamoDbItem, bytes: number): void {
    const key = this.keyOf(table, itemOrKey);
    if (key === undefined) {
      this.unkeyed += 1;
      return;
    }
    let bySize = this.sizes.get(table);
    if (bySize === undefined) this.sizes.set(table, (bySize = new Map()));
    bySize.set(key, bytes);
  }
}
