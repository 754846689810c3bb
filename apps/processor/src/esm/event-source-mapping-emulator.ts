import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { EventSourceMappingSettings } from '@tenant-analytics/domain';
import { KinesisShardReader, type ShardInfo, type StartPosition } from '../adapters/kinesis-shard-reader';
import type { InputRecord, Logger } from '../core/ports';
import type { Discard } from './batch-retry-policy';
import { FunctionEnvironments, type FunctionFaults, type HandlerLoader } from './function-environments';
import { installFunctionFaultController } from './function-fault-hook';
import { kinesisStreamArn, toKinesisStreamEvent, type EventSourceIdentity } from './kinesis-stream-event';
import { toOnFailureRecord, type KinesisOnFailureRecord, type OnFailureDestination } from './on-failure-destination';
import { ShardConsumer, type InvocationReport } from './shard-consumer';

/** One input stream of the function, with where a mapping created now would start reading it. */
export interface MappedStream {
  readonly name: string;
  readonly startingPosition: StartPosition;
}

/** Everything the emulator needs; the timing knobs default to Lambda's documented behaviour. */
export interface EventSourceMappingEmulatorOptions {
  readonly streams: readonly MappedStream[];
  /** A client of the Kinesis endpoint the mappings read (the local emulator). */
  readonly kinesis: KinesisClient;
  /** The mapping settings: {@link parseEventSourceMappingSettings} over `apps/infra/cdk.json`. */
  readonly settings: EventSourceMappingSettings;
  /** Loads a fresh instance of the function (one per execution environment). */
  readonly loadHandler: HandlerLoader;
  readonly onFailure: OnFailureDestination;
  readonly identity: EventSourceIdentity;
  /** @default 'processor' */
  readonly functionName?: string;
  readonly logger: Logger;
  /** Lambda polls a caught-up shard "at a base rate of once per second". @default 1000 */
  readonly pollIntervalMs?: number;
  /** How often shards are listed, to find the children of a reshard. @default 5000 */
  readonly shardDiscoveryIntervalMs?: number;
  /** Delay before a failed batch is retried (Lambda does not document one). @default 1000 */
  readonly retryDelayMs?: number;
  /** @default - `settings.processorTimeoutSeconds`, the function's timeout */
  readonly invocationTimeoutMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Where one shard of a mapping stands. */
export interface ShardStatus {
  readonly stream: string;
  readonly shardId: string;
  readonly status: 'waiting-for-parents' | 'reading' | 'finished';
  readonly checkpoint?: string;
}

interface ShardEntry {
  readonly stream: string;
  readonly info: ShardInfo;
  consumer?: ShardConsumer;
  done?: Promise<void>;
  finished: boolean;
}

/** How many invocation reports are kept (the oldest are dropped). */
const MAX_REPORTS = 10_000;

/**
 * A local stand-in for Lambda's Kinesis event source mappings (one per stream), running the real
 * function module in this process: it polls every shard, builds `KinesisStreamEvent` payloads and
 * applies the mapping settings the CDK app deploys (batch size and window, retries with bisect,
 * `ReportBatchItemFailures`, maximum retry attempts and record age, the on-failure destination,
 * parent shards before their children), with `ParallelizationFactor` 1. A timed-out invocation is
 * abandoned, not cancelled. What it does not emulate is listed in `src/esm/README.md`.
 *
 * @example
 * const esm = new EventSourceMappingEmulator({ streams, kinesis, settings, loadHandler, onFailure, identity, logger });
 * await esm.start();
 * // … put records, wait for their effects …
 * await esm.stop();
 */
export class EventSourceMappingEmulator {
  /** Every invocation so far (the last 10,000), in the order they ended. */
  readonly invocations: InvocationReport[] = [];
  /** Every on-failure record sent so far. */
  readonly onFailureRecords: KinesisOnFailureRecord[] = [];
  private readonly environments: FunctionEnvironments;
  private readonly reader: KinesisShardReader;
  private readonly shards = new Map<string, ShardEntry>();
  private readonly listeners = new Set<(report: InvocationReport) => void>();
  private readonly now: () => number;
  private readonly functionArn: string;
  private discoveryTimer: NodeJS.Timeout | undefined;
  private discovering: Promise<void> | undefined;
  private firstListingDone = new Set<string>();
  private running = false;

  constructor(private readonly options: EventSourceMappingEmulatorOptions) {
    if (options.settings.parallelizationFactor !== 1) {
      throw new Error(`parallelizationFactor = ${options.settings.parallelizationFactor}: expected 1 (the emulator runs one batch per shard at a time, as the processor requires)`);
    }
    this.now = options.now ?? Date.now;
    this.reader = new KinesisShardReader(options.kinesis);
    this.environments = new FunctionEnvironments(options.loadHandler, options.invocationTimeoutMs ?? options.settings.processorTimeoutSeconds * 1000);
    this.functionArn = `arn:aws:lambda:${options.identity.region}:${options.identity.accountId}:function:${options.functionName ?? 'processor'}`;
  }

  /** Faults to inject into the function's invocations (tests). */
  get faults(): FunctionFaults {
    return this.environments.faults;
  }

  /** Execution environments loaded so far. */
  get coldStarts(): number {
    return this.environments.coldStarts;
  }

  /** Calls `listener` after every invocation; returns a function that removes it. */
  onInvocation(listener: (report: InvocationReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where each known shard stands. */
  shardStatuses(): ShardStatus[] {
    return [...this.shards.values()].map((entry) => ({
      stream: entry.stream,
      shardId: entry.info.shardId,
      status: entry.finished ? 'finished' : entry.consumer === undefined ? 'waiting-for-parents' : 'reading',
      ...(entry.consumer?.checkpoint === undefined ? {} : { checkpoint: entry.consumer.checkpoint }),
    }));
  }

  /** Lists the shards and starts reading them; installs the fault seam before any function loads. */
  async start(): Promise<void> {
    if (this.running) throw new Error('the event source mapping emulator is already running');
    this.running = true;
    installFunctionFaultController(this.environments.faults);
    await this.discover();
    this.discoveryTimer = setInterval(() => void this.discover(), this.options.shardDiscoveryIntervalMs ?? 5_000);
  }

  /**
   * Stops polling, lets the invocations in flight end (no further retries), then waits up to
   * `abandonedTimeoutMs` for abandoned (timed-out) invocations, so nothing writes after the stop.
   */
  async stop(abandonedTimeoutMs = 30_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.discoveryTimer);
    await this.discovering;
    for (const entry of this.shards.values()) entry.consumer?.stop();
    await Promise.allSettled([...this.shards.values()].map((entry) => entry.done));
    await this.environments.drainAbandoned(abandonedTimeoutMs);
    installFunctionFaultController(undefined);
  }

  private discover(): Promise<void> {
    this.discovering ??= this.discoverOnce().finally(() => (this.discovering = undefined));
    return this.discovering;
  }

  private async discoverOnce(): Promise<void> {
    for (const stream of this.options.streams) {
      if (!this.running) return;
      let listed: ShardInfo[];
      try {
        listed = await this.reader.listShards(stream.name);
      } catch (error) {
        this.options.logger.warn('ListShards failed; trying again later', { stream: stream.name, error: String(error) });
        continue;
      }
      const firstListing = !this.firstListingDone.has(stream.name);
      this.firstListingDone.add(stream.name);
      const present = new Set(listed.map((shard) => shard.shardId));
      for (const info of listed) {
        const key = `${stream.name}/${info.shardId}`;
        const entry = this.shards.get(key) ?? { stream: stream.name, info, finished: false };
        this.shards.set(key, entry);
        if (entry.consumer !== undefined || !this.running) continue;
        // Parents first: a child waits until every parent still in the stream is read to its end.
        const parents = [info.parentShardId, info.adjacentParentShardId].filter((id): id is string => id !== undefined && present.has(id));
        if (parents.some((parent) => this.shards.get(`${stream.name}/${parent}`)?.finished !== true)) continue;
        // A mapping's starting position applies to the shards it finds when created; children of a later reshard start at their beginning.
        this.startConsumer(entry, firstListing ? stream.startingPosition : { type: 'TRIM_HORIZON' });
      }
    }
  }

  private startConsumer(entry: ShardEntry, position: StartPosition): void {
    const { stream } = entry;
    const shardId = entry.info.shardId;
    const { settings } = this.options;
    const streamArn = kinesisStreamArn(this.options.identity, stream);
    const consumer = new ShardConsumer(stream, shardId, position, {
      source: this.reader,
      invoke: (records) => this.environments.invoke(toKinesisStreamEvent(records, this.options.identity), { stream, shardId }),
      discard: (discard) => this.sendOnFailure(discard, streamArn),
      settings: {
        batchSize: settings.batchSize,
        maxBatchingWindowMs: settings.maxBatchingWindowSeconds * 1000,
        retryAttempts: settings.retryAttempts,
        bisectBatchOnFunctionError: settings.bisectBatchOnFunctionError,
        maxRecordAgeMs: settings.maxRecordAgeSeconds * 1000,
        pollIntervalMs: this.options.pollIntervalMs ?? 1_000,
        retryDelayMs: this.options.retryDelayMs ?? 1_000,
      },
      now: this.now,
      logger: this.options.logger.child({ stream, shardId }),
      onInvocation: (report) => this.report(report),
    });
    entry.consumer = consumer;
    entry.done = consumer.run().then(
      (ending) => {
        if (ending !== 'closed') return;
        entry.finished = true;
        this.options.logger.info('shard finished', { stream, shardId });
        if (this.running) void this.discover();
      },
      (error: unknown) => this.options.logger.error('shard consumer failed', { stream, shardId, error: String(error) }),
    );
  }

  private async sendOnFailure(discard: Discard<InputRecord>, streamArn: string): Promise<void> {
    const record = toOnFailureRecord(discard, { functionArn: this.functionArn, streamArn, now: new Date(this.now()) });
    await this.options.onFailure.send(record);
    this.onFailureRecords.push(record);
  }

  private report(report: InvocationReport): void {
    this.invocations.push(report);
    if (this.invocations.length > MAX_REPORTS) this.invocations.shift();
    for (const listener of this.listeners) listener(report);
  }
}
