import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient, PutRecordCommandInput, PutRecordsCommandInput, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { InitializeHandlerArguments, InitializeHandlerOutput, InitializeMiddleware } from '@smithy/types';
import { billDynamoDbCall, type DynamoDbCall, type ItemCharge } from './dynamodb-billing';
import { ItemSizeShadow, type KeySchemas } from './item-size-shadow';
import { putRecordsUnits, putRecordUnits, type KinesisPut } from './kinesis-put-units';
import { s3RequestClass, type S3RequestClass } from './s3-request-class';

/** Request units and item counts of a set of DynamoDB requests. */
export interface UnitTotals {
  readonly writeUnits: number;
  readonly readUnits: number;
  /** Items written (or refused by their condition). */
  readonly writes: number;
  /** Items read (a Query or Scan page counts once). */
  readonly reads: number;
  readonly conditionalFailures: number;
  /** Charges whose item size was estimated rather than known. */
  readonly estimated: number;
  /** Bytes of the items written successfully (for the mean item size). */
  readonly writtenBytes: number;
  /** Successful writes, the denominator of the mean item size. */
  readonly sizedWrites: number;
}

/** Everything a {@link BillingMeter} counted; plain JSON, so two snapshots can be subtracted ({@link totalsBetween}). */
export interface BillingTotals {
  readonly dynamodb: {
    readonly total: UnitTotals;
    /** By `<table>/<key prefix>` (e.g. `company-state/company`, `company-state/lane`): which items cost what. */
    readonly byItemKind: Readonly<Record<string, UnitTotals>>;
    /** Requests by command, billed or not. */
    readonly requests: Readonly<Record<string, number>>;
    /** Data-plane requests the meter cannot bill (transactions, PartiQL), by command. */
    readonly unmetered: Readonly<Record<string, number>>;
    /** Items the shadow could not file (their table's key was unknown when they were seen). */
    readonly unkeyedItems: number;
  };
  readonly s3: {
    readonly requests: Readonly<Record<S3RequestClass, number>>;
    readonly byCommand: Readonly<Record<string, number>>;
  };
  readonly kinesis: {
    /** Records and PUT payload units put, by stream. */
    readonly byStream: Readonly<Record<string, { readonly records: number; readonly payloadUnits: number }>>;
  };
  /** CPU time the meter spent on its own accounting: CPU of the metered process that is not the code under measurement. */
  readonly accountingMs: number;
}

/** Options of {@link BillingMeter}. */
export interface BillingMeterOptions {
  /** Key attribute names per table, if known; otherwise learnt from requests that carry a `Key`. */
  readonly keySchemas?: KeySchemas;
  /**
   * Ask UpdateItem for `ReturnValues: ALL_NEW` when the caller asked for nothing, and hide the
   * returned item from the caller: the only way to know the item's size after an update without a
   * second request. It costs no request units; the response is larger, so the caller's process
   * parses more. @default true
   */
  readonly exactUpdateSizes?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

const zeroUnits = (): Mutable<UnitTotals> => ({ writeUnits: 0, readUnits: 0, writes: 0, reads: 0, conditionalFailures: 0, estimated: 0, writtenBytes: 0, sizedWrites: 0 });

function addCharge(totals: Mutable<UnitTotals>, charge: ItemCharge): void {
  if (charge.kind === 'write') {
    totals.writeUnits += charge.units;
    totals.writes += 1;
  } else {
    totals.readUnits += charge.units;
    totals.reads += 1;
  }
  if (charge.conditionalFailure === true) totals.conditionalFailures += 1;
  if (charge.estimated) totals.estimated += 1;
  if (charge.writtenBytes !== undefined) {
    totals.writtenBytes += charge.writtenBytes;
    totals.sizedWrites += 1;
  }
}

const increment = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

const commandOf = (commandName: string | undefined) => (commandName ?? 'Unknown').replace(/Command$/, '');

/** True for the SDK's ConditionalCheckFailedException (by name: the meter does not depend on which copy of the SDK threw it). */
function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Bills every request of the AWS SDK v3 clients it is attached to as AWS would: DynamoDB on-demand
 * request units ({@link billDynamoDbCall}, with an {@link ItemSizeShadow} for the items before
 * writes), S3 requests by price class, Kinesis PUT payload units. It is SDK middleware
 * (`client.middlewareStack.add`, initialize step), so the code under measurement is unchanged and
 * SDK retries of one request count once, as AWS bills throttled attempts not at all.
 *
 * @example
 * const meter = new BillingMeter();
 * meter.meterDynamoDb(clients.dynamodb);
 * meter.meterS3(clients.s3);
 * const before = meter.snapshot();
 * // … run the workload …
 * const spent = totalsBetween(before, meter.snapshot());
 */
export class BillingMeter {
  private readonly shadow: ItemSizeShadow;
  private readonly exactUpdateSizes: boolean;
  private readonly totals: Mutable<BillingTotals> = {
    dynamodb: { total: zeroUnits(), byItemKind: {}, requests: {}, unmetered: {}, unkeyedItems: 0 },
    s3: { requests: { 'put-copy-post-list': 0, 'get-and-other': 0, free: 0 }, byCommand: {} },
    kinesis: { byStream: {} },
    accountingMs: 0,
  };

  constructor(options: BillingMeterOptions = {}) {
    this.shadow = new ItemSizeShadow(options.keySchemas);
    this.exactUpdateSizes = options.exactUpdateSizes ?? true;
  }

  /** Bills every request of this DynamoDB client from now on. */
  meterDynamoDb(client: DynamoDBClient): void {
    client.middlewareStack.add(this.dynamoDbMiddleware(), { step: 'initialize', name: 'billingMeterDynamoDb', priority: 'high' });
  }

  /** Counts every request of this S3 client by price class from now on. */
  meterS3(client: S3Client): void {
    client.middlewareStack.add(this.s3Middleware(), { step: 'initialize', name: 'billingMeterS3', priority: 'high' });
  }

  /** Counts the PUT payload units of every PutRecord(s) of this Kinesis client from now on. */
  meterKinesis(client: KinesisClient): void {
    client.middlewareStack.add(this.kinesisMiddleware(), { step: 'initialize', name: 'billingMeterKinesis', priority: 'high' });
  }

  /** A copy of the totals so far. */
  snapshot(): BillingTotals {
    return structuredClone({ ...this.totals, dynamodb: { ...this.totals.dynamodb, unkeyedItems: this.shadow.unkeyed } });
  }

  /** Bills one DynamoDB request (what the middleware calls; public for tests of the accounting). */
  recordDynamoDb(call: DynamoDbCall): void {
    const started = process.cpuUsage();
    const { dynamodb } = this.totals;
    increment(dynamodb.requests, call.command);
    const charges = billDynamoDbCall(call, this.shadow);
    if (charges === undefined) {
      increment(dynamodb.unmetered, call.command);
    } else {
      for (const charge of charges) {
        addCharge(dynamodb.total, charge);
        const kind = `${charge.table}/${charge.keyPrefix}`;
        addCharge((dynamodb.byItemKind[kind] ??= zeroUnits()), charge);
      }
    }
    const spent = process.cpuUsage(started);
    this.totals.accountingMs += (spent.user + spent.system) / 1_000;
  }

  /** The middleware {@link meterDynamoDb} adds. */
  dynamoDbMiddleware<Input extends object, Output extends object>(): InitializeMiddleware<Input, Output> {
    return (next, context) => async (args) => {
      const command = commandOf(context.commandName);
      const asked = args.input as { ReturnValues?: string };
      const augment = this.exactUpdateSizes && command === 'UpdateItem' && (asked.ReturnValues === undefined || asked.ReturnValues === 'NONE');
      const sent: InitializeHandlerArguments<Input> = augment ? { ...args, input: { ...args.input, ReturnValues: 'ALL_NEW' } } : args;
      let result: InitializeHandlerOutput<Output>;
      try {
        result = await next(sent);
      } catch (error) {
        this.recordDynamoDb({ command, input: sent.input, failure: isConditionalCheckFailure(error) ? 'conditional' : 'other' });
        throw error;
      }
      this.recordDynamoDb({ command, input: sent.input, output: result.output });
      if (!augment) return result;
      // The caller asked for no item back: hand it the response it would have had.
      const { Attributes: _attributes, ...output } = result.output as Output & { Attributes?: unknown };
      return { ...result, output: output as Output };
    };
  }

  /** The middleware {@link meterS3} adds. */
  s3Middleware<Input extends object, Output extends object>(): InitializeMiddleware<Input, Output> {
    return (next, context) => async (args) => {
      const command = commandOf(context.commandName);
      // Every request that reaches S3 is billed, failed or not (a 404 GET is a GET).
      const count = () => {
        increment(this.totals.s3.requests, s3RequestClass(command));
        increment(this.totals.s3.byCommand, command);
      };
      try {
        const result = await next(args);
        count();
        return result;
      } catch (error) {
        count();
        throw error;
      }
    };
  }

  /** The middleware {@link meterKinesis} adds. */
  kinesisMiddleware<Input extends object, Output extends object>(): InitializeMiddleware<Input, Output> {
    return (next, context) => async (args) => {
      const command = commandOf(context.commandName);
      const result = await next(args);
      let put: KinesisPut | undefined;
      if (command === 'PutRecord') put = putRecordUnits(args.input as PutRecordCommandInput);
      if (command === 'PutRecords') put = putRecordsUnits(args.input as PutRecordsCommandInput, result.output as PutRecordsCommandOutput);
      if (put !== undefined) {
        const stream = (this.totals.kinesis.byStream[put.stream] ??= { records: 0, payloadUnits: 0 });
        stream.records += put.records;
        stream.payloadUnits += put.payloadUnits;
      }
      return result;
    };
  }
}

function difference(after: unknown, before: unknown): unknown {
  if (typeof after === 'number') return after - (typeof before === 'number' ? before : 0);
  if (after !== null && typeof after === 'object') {
    const earlier = (before !== null && typeof before === 'object' ? before : {}) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, difference(value, earlier[key])]));
  }
  return after;
}

/** What was billed between two snapshots of one meter (`after − before`, field by field). */
export function totalsBetween(before: BillingTotals, after: BillingTotals): BillingTotals {
  // Same shape on both sides: the difference keeps the shape of `after`.
  return difference(after, before) as BillingTotals;
}
