import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DomainError, enrichedCompanySchema, type DeadLetter, type EnrichedCompany } from '@tenant-analytics/domain';
import {
  startLocalStack,
  type KinesisBackend,
  type LocalEndpoints,
  type LocalStack,
  type LocalStackOptions,
  type PortName,
  type ServiceOption,
} from '@tenant-analytics/local-stack';
import { build as buildHistogram, type Histogram } from 'hdr-histogram-js';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { LocalPipelineProbe, spawnLocalRunner } from './local-pipeline';

/** What the local runner logs once it polls every shard. */
export const RUNNER_READY_MESSAGE = 'processor running';
/** What the local runner logs when its drain has finished, just before it exits 0. */
export const RUNNER_STOPPED_MESSAGE = 'processor stopped';

/** Every port 0: each child takes a free port, so runs never collide. */
const FREE_PORTS: Readonly<Record<PortName, number>> = { kinesis: 0, s3: 0, dynamodb: 0, tenantManager: 0, churnApi: 0 };

/** Context of a pipeline-run error: what was being waited for, what the runner printed last. */
export type PipelineRunErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** A pipeline run could not start, drain or stop as asked. Not retriable: the run is broken. */
export class PipelineRunError extends DomainError {
  declare readonly context: PipelineRunErrorContext;

  constructor(message: string, options: { readonly cause?: unknown; readonly context?: PipelineRunErrorContext } = {}) {
    super(message, { cause: options.cause, context: options.context });
  }
}

// ---------------------------------------------------------------------------------------------
// The processor's own log: metrics snapshots
// ---------------------------------------------------------------------------------------------

const observationSchema = z.object({ count: z.number(), sum: z.number(), min: z.number(), max: z.number() });

/** A metrics snapshot the local runner logs every 15 s (`metrics`) and at its stop (`processor stopped`). */
export const runnerMetricsSchema = z.object({
  counters: z.record(z.string(), z.number()),
  observations: z.record(z.string(), observationSchema),
});
export type RunnerMetrics = z.infer<typeof runnerMetricsSchema>;

const METRICS_MESSAGES = new Set(['metrics', RUNNER_STOPPED_MESSAGE]);
const logLineSchema = z.looseObject({ msg: z.string() });

/**
 * The last metrics snapshot in the runner's output (JSON lines), or undefined when it logged none
 * (e.g. `LOG_LEVEL=warn`). Lines that are not JSON are skipped.
 *
 * @example
 * const metrics = lastRunnerMetrics(pipeline.runner.output());
 * counterOf(metrics, 'DuplicatesSkipped');
 */
export function lastRunnerMetrics(output: string): RunnerMetrics | undefined {
  const lines = output.split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index]?.trim() ?? '';
    if (!line.startsWith('{')) continue;
    const decoded = logLineSchema.safeParse(safeJson(line));
    if (!decoded.success || !METRICS_MESSAGES.has(decoded.data.msg)) continue;
    const metrics = runnerMetricsSchema.safeParse(decoded.data);
    if (metrics.success) return metrics.data;
  }
  return undefined;
}

/** A counter of a snapshot (`Name` or `Name{k=v}`), 0 when absent. */
export function counterOf(metrics: RunnerMetrics | undefined, key: string): number {
  return metrics?.counters[key] ?? 0;
}

/** Counters of one metric by one dimension, e.g. `DeadLetters{reason=…}` → `{ 'bad-format': 3 }`. */
export function countersByDimension(metrics: RunnerMetrics | undefined, name: string, dimension: string): Record<string, number> {
  const prefix = `${name}{${dimension}=`;
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics?.counters ?? {})) {
    if (key.startsWith(prefix) && key.endsWith('}')) result[key.slice(prefix.length, -1)] = value;
  }
  return result;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Starting and stopping the whole pipeline
// ---------------------------------------------------------------------------------------------

/** Options of {@link startPipeline}; every field is optional. */
export interface StartPipelineOptions {
  /** @default 'kinesis-local' */
  readonly kinesisBackend?: KinesisBackend;
  /** 0 = a free port. @default - every port 0 */
  readonly ports?: Partial<Record<PortName, number>>;
  /** @default - both services, no extra flags */
  readonly services?: { readonly tenantManager?: ServiceOption; readonly churnApi?: ServiceOption };
  /** @default - the stack's default (2/1/1) */
  readonly shards?: LocalStackOptions['shards'];
  /** Where the stack writes its endpoints (the runner reads them). @default - a file in a temp dir removed on stop */
  readonly endpointsFile?: string;
  /** Emulator data; kept after stop when given. @default - a temp dir removed on stop */
  readonly dataDir?: string;
  /** Environment of the runner process: any config key (`RUNNER_POLL_INTERVAL_MS`, `LOG_LEVEL`, `SCORING_BATCH_SIZE`…). */
  readonly runnerEnv?: Readonly<Record<string, string>>;
  /** Extra command-line flags of the runner. */
  readonly runnerArgs?: readonly string[];
  /** How long the runner may take to log {@link RUNNER_READY_MESSAGE}. @default 60000 */
  readonly runnerStartTimeoutMs?: number;
  /** How long a SIGTERM drain may take before SIGKILL. @default 45000 */
  readonly runnerStopTimeoutMs?: number;
  /** @default - silent */
  readonly logger?: Logger;
}

/** The processor's local runner as a child process (see {@link spawnLocalRunner}). */
export type LocalRunnerProcess = ReturnType<typeof spawnLocalRunner>;

/** How a runner process ended, with its last metrics snapshot. */
export interface RunnerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** It logged "processor stopped": every in-flight batch finished before it exited. */
  readonly drained: boolean;
  /**
   * Exited with code 0, or drained and then exited otherwise: on Ctrl-C in a terminal both the
   * processor and tsx's wrapper get SIGINT, and the wrapper then exits 130 after a complete drain.
   */
  readonly clean: boolean;
  readonly metrics: RunnerMetrics | undefined;
  /** Its last output lines, for error messages. */
  readonly outputTail: string;
}

/** A running pipeline: the local stack, both mock services and the processor as a separate process. */
export interface RunningPipeline {
  readonly stack: LocalStack;
  readonly endpoints: LocalEndpoints;
  readonly endpointsFile: string;
  /** SDK clients on the stack (put records, read sinks); destroyed by {@link RunningPipeline.stop}. */
  readonly probe: LocalPipelineProbe;
  /** The current runner process (a new one after {@link RunningPipeline.restartRunner}). */
  readonly runner: LocalRunnerProcess;
  /**
   * The pid of the processor itself (from its log lines): `runner.child` is tsx's wrapper, which
   * relays SIGTERM/SIGINT but would leave the processor orphaned if it were SIGKILLed.
   */
  readonly runnerPid: number | undefined;
  /** Sends a signal to the processor itself (default SIGKILL, for crash tests) and awaits its exit. */
  killRunner(signal?: NodeJS.Signals): Promise<RunnerExit>;
  /** SIGTERM the processor (SIGKILL after the stop timeout), await its exit. Returns at once if it had exited. */
  stopRunner(): Promise<RunnerExit>;
  /** Stops the current runner (if it still runs) and starts a new one with extra env, awaiting its readiness. */
  restartRunner(env?: Readonly<Record<string, string>>): Promise<RunnerExit>;
  /** Stops the runner, then the stack; removes temp files. Idempotent; never throws for an unclean runner exit: read `runner.clean`. */
  stop(): Promise<{ readonly runner: RunnerExit }>;
}

const DEFAULT_RUNNER_ENV = { RUNNER_POLL_INTERVAL_MS: '100', LOG_LEVEL: 'info' } as const;
const OUTPUT_TAIL_LINES = 20;

function outputTail(output: string): string {
  return output.trimEnd().split('\n').slice(-OUTPUT_TAIL_LINES).join('\n');
}

const pidLineSchema = z.looseObject({ pid: z.number().int().positive() });

/** The pid in the runner's first JSON log line (pino adds it): the processor's own process. */
export function runnerPidOf(output: string): number | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const decoded = pidLineSchema.safeParse(safeJson(line));
    if (decoded.success) return decoded.data.pid;
  }
  return undefined;
}

function hasExited(runner: LocalRunnerProcess): boolean {
  return runner.child.exitCode !== null || runner.child.signalCode !== null;
}

/** Spawns the runner and waits for its ready line; kills it and throws if it exits or times out first. */
async function launchRunner(endpointsFile: string, env: Readonly<Record<string, string>>, args: readonly string[], timeoutMs: number): Promise<LocalRunnerProcess> {
  const runner = spawnLocalRunner(endpointsFile, { ...DEFAULT_RUNNER_ENV, ...env }, args);
  const deadline = Date.now() + timeoutMs;
  while (!runner.output().includes(`"msg":"${RUNNER_READY_MESSAGE}"`)) {
    if (hasExited(runner) || Date.now() > deadline) {
      const exited = hasExited(runner);
      if (!exited) killProcessTree(runner, 'SIGKILL');
      const { code, signal } = await runner.exited;
      const what = exited ? `exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})` : `did not log "${RUNNER_READY_MESSAGE}" within ${timeoutMs} ms`;
      throw new PipelineRunError(`The processor ${what}. Last output:\n${outputTail(runner.output()) || '(none)'}`, {
        context: { endpointsFile, timeoutMs },
      });
    }
    await sleep(100);
  }
  return runner;
}

/** Signals the processor itself (when its pid is known) and tsx's wrapper. */
function killProcessTree(runner: LocalRunnerProcess, signal: NodeJS.Signals): void {
  const pid = runnerPidOf(runner.output());
  if (pid !== undefined) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone: the wrapper exits on its own then.
    }
  }
  runner.child.kill(signal);
}

class Pipeline implements RunningPipeline {
  private current: LocalRunnerProcess;
  private stopping: Promise<{ readonly runner: RunnerExit }> | undefined;
  /** Last resort if this process exits without stop(): no processor is left behind. */
  private readonly onExit = (): void => {
    if (!hasExited(this.current)) killProcessTree(this.current, 'SIGKILL');
  };

  constructor(
    readonly stack: LocalStack,
    readonly endpointsFile: string,
    readonly probe: LocalPipelineProbe,
    runner: LocalRunnerProcess,
    private readonly settings: {
      readonly env: Readonly<Record<string, string>>;
      readonly args: readonly string[];
      readonly startTimeoutMs: number;
      readonly stopTimeoutMs: number;
      readonly workDir: string | undefined;
      readonly logger: Logger;
    },
  ) {
    this.current = runner;
    process.on('exit', this.onExit);
  }

  get runnerPid(): number | undefined {
    return runnerPidOf(this.current.output());
  }


  get endpoints(): LocalEndpoints {
    return this.stack.endpoints;
  }

  get runner(): LocalRunnerProcess {
    return this.current;
  }

  async stopRunner(): Promise<RunnerExit> {
    return this.signalRunner('SIGTERM');
  }

  killRunner(signal: NodeJS.Signals = 'SIGKILL'): Promise<RunnerExit> {
    return this.signalRunner(signal);
  }

  /**
   * Signals the processor itself, not tsx's wrapper: the wrapper relays a signal only if the child
   * reports it within 30 ms, else SIGKILLs it — which a processor busy with a batch on a loaded
   * machine misses, losing its drain. The wrapper exits with the processor's code.
   */
  private async signalRunner(signal: NodeJS.Signals): Promise<RunnerExit> {
    const runner = this.current;
    if (!hasExited(runner)) {
      const pid = runnerPidOf(runner.output());
      if (pid === undefined) runner.child.kill(signal);
      else process.kill(pid, signal);
      const killer = setTimeout(() => killProcessTree(runner, 'SIGKILL'), this.settings.stopTimeoutMs);
      await runner.exited;
      clearTimeout(killer);
    }
    const { code, signal: exitSignal } = await runner.exited;
    const drained = runner.output().includes(`"msg":"${RUNNER_STOPPED_MESSAGE}"`);
    const exit: RunnerExit = { code, signal: exitSignal, drained, clean: code === 0 || drained, metrics: lastRunnerMetrics(runner.output()), outputTail: outputTail(runner.output()) };
    if (!exit.clean) this.settings.logger.warn({ code, signal: exitSignal }, 'the processor did not exit cleanly');
    return exit;
  }

  async restartRunner(env: Readonly<Record<string, string>> = {}): Promise<RunnerExit> {
    const previous = await this.stopRunner();
    const { args, startTimeoutMs } = this.settings;
    this.current = await launchRunner(this.endpointsFile, { ...this.settings.env, ...env }, args, startTimeoutMs);
    return previous;
  }

  stop(): Promise<{ readonly runner: RunnerExit }> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<{ readonly runner: RunnerExit }> {
    try {
      return { runner: await this.stopRunner() };
    } finally {
      process.off('exit', this.onExit);
      this.probe.destroy();
      await this.stack.stop();
      if (this.settings.workDir !== undefined) rmSync(this.settings.workDir, { recursive: true, force: true });
    }
  }
}

/**
 * Starts the local stack with both mock services (free ports unless told), then the processor's
 * local runner as a separate process (as `nx serve processor` runs it), and waits until it polls.
 * On any failure it stops what it started. The stack also stops when this process exits.
 *
 * @throws ComponentStartError (local stack) or PipelineRunError (the runner did not get ready)
 * @example
 * const pipeline = await startPipeline({ runnerEnv: { SCORING_BATCH_SIZE: '50' } });
 * await pipeline.probe.put(pipeline.endpoints.streams.jobs, [{ companyID: 'comp_1', userID: 'u', nbJobs: 1 }]);
 * await waitUntilDrained(pipeline.probe);
 * const { runner } = await pipeline.stop(); // runner.clean, runner.metrics
 */
export async function startPipeline(options: StartPipelineOptions = {}): Promise<RunningPipeline> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const workDir = options.endpointsFile === undefined ? mkdtempSync(path.join(os.tmpdir(), 'pipeline-run-')) : undefined;
  const endpointsFile = options.endpointsFile ?? path.join(workDir ?? '', 'endpoints.json');
  const removeWorkDir = (): void => {
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  };
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      ...(options.kinesisBackend === undefined ? {} : { kinesisBackend: options.kinesisBackend }),
      ports: { ...FREE_PORTS, ...options.ports },
      services: { tenantManager: true, churnApi: true, ...options.services },
      ...(options.shards === undefined ? {} : { shards: options.shards }),
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      endpointsFile,
      logger,
    });
  } catch (error) {
    removeWorkDir();
    throw error;
  }
  const settings = {
    env: options.runnerEnv ?? {},
    args: options.runnerArgs ?? [],
    startTimeoutMs: options.runnerStartTimeoutMs ?? 60_000,
    stopTimeoutMs: options.runnerStopTimeoutMs ?? 45_000,
    workDir,
    logger,
  };
  let runner: LocalRunnerProcess;
  try {
    runner = await launchRunner(endpointsFile, settings.env, settings.args, settings.startTimeoutMs);
  } catch (error) {
    await stack.stop();
    removeWorkDir();
    throw error;
  }
  logger.info({ endpointsFile, runnerPid: runner.child.pid }, 'pipeline running');
  return new Pipeline(stack, endpointsFile, new LocalPipelineProbe(stack.endpoints), runner, settings);
}

// ---------------------------------------------------------------------------------------------
// Drain: every input shard's lane checkpoint at the shard's tip, no batch pending
// ---------------------------------------------------------------------------------------------

/** Where the processor stands on one input shard. */
export interface LaneProgress {
  readonly stream: string;
  readonly shardId: string;
  /** The lane's checkpoint (last processed sequence number), if any. */
  readonly checkpoint: string | undefined;
  /** A write-ahead batch is in flight (its effects are not all published yet). */
  readonly pending: boolean;
  /** No record on the shard after the checkpoint. */
  readonly caughtUp: boolean;
}

/**
 * Reads the processor's lane items (`pk = lane#<stream>/<shardId>`, in the state table) and asks
 * each shard whether a record follows the checkpoint.
 */
export async function laneProgress(probe: LocalPipelineProbe, streams: readonly string[]): Promise<LaneProgress[]> {
  const progress: LaneProgress[] = [];
  for (const stream of streams) {
    const shards = (await probe.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    for (const { ShardId: shardId = '' } of shards) {
      const item = (
        await probe.dynamodb.send(
          new GetItemCommand({ TableName: probe.endpoints.stateTable, Key: { pk: { S: `lane#${stream}/${shardId}` }, sk: { S: 'lane' } }, ConsistentRead: true }),
        )
      ).Item;
      const checkpoint = item?.['checkpoint']?.S;
      const pending = item?.['pendingId']?.S !== undefined;
      const caughtUp = !(await hasRecordAfter(probe.kinesis, stream, shardId, checkpoint));
      progress.push({ stream, shardId, checkpoint, pending, caughtUp });
    }
  }
  return progress;
}

async function hasRecordAfter(kinesis: KinesisClient, stream: string, shardId: string, checkpoint: string | undefined): Promise<boolean> {
  const { ShardIterator: iterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: shardId,
      ...(checkpoint === undefined ? { ShardIteratorType: 'TRIM_HORIZON' } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }),
    }),
  );
  if (iterator === undefined) return false;
  const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1 }));
  return (page.Records ?? []).length > 0;
}

/** True when every lane is caught up with nothing pending. */
export function isDrained(lanes: readonly LaneProgress[]): boolean {
  return lanes.every((lane) => lane.caughtUp && !lane.pending);
}

/** Options of {@link waitUntilDrained}. */
export interface WaitUntilDrainedOptions {
  /** @default 120000 */
  readonly timeoutMs?: number;
  /** @default 500 */
  readonly pollIntervalMs?: number;
  /** Input streams to watch. @default - the jobs and companies streams */
  readonly streams?: readonly string[];
  /**
   * Also wait until the S3 sink holds exactly this many distinct enriched events and dead letters
   * (checked once the lanes are drained; more than expected fails at once).
   */
  readonly expected?: { readonly enriched?: number; readonly deadLetters?: number };
}

/** What the drain saw last. */
export interface DrainReport {
  readonly lanes: readonly LaneProgress[];
  readonly waitedMs: number;
}

/**
 * Waits until the processor has processed every record put so far: each input shard's lane
 * checkpoint is at the shard's tip and no write-ahead batch is pending (effects are published
 * before the checkpoint moves, so the sinks are complete then). Call it after the producer's
 * last PutRecords returned.
 *
 * @throws PipelineRunError on timeout (naming the lanes behind) or when the sink holds more than expected
 * @example
 * await sendJobEvents(options, { kinesis: pipeline.probe.kinesis });
 * await waitUntilDrained(pipeline.probe, { timeoutMs: 60_000 });
 */
export async function waitUntilDrained(probe: LocalPipelineProbe, options: WaitUntilDrainedOptions = {}): Promise<DrainReport> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const streams = options.streams ?? [probe.endpoints.streams.jobs, probe.endpoints.streams.companies];
  const startedAt = Date.now();
  let lanes: LaneProgress[] = [];
  let countsSeen = '';
  for (;;) {
    lanes = await laneProgress(probe, streams);
    if (isDrained(lanes)) {
      const counts = options.expected === undefined ? undefined : await sinkCounts(probe, options.expected);
      if (counts === undefined || counts.done) return { lanes, waitedMs: Date.now() - startedAt };
      countsSeen = counts.description;
    }
    if (Date.now() - startedAt > timeoutMs) {
      const behind = lanes.filter((lane) => !lane.caughtUp || lane.pending).map((lane) => `${lane.stream}/${lane.shardId}${lane.pending ? ' (batch pending)' : ''}`);
      throw new PipelineRunError(
        `The pipeline did not drain within ${timeoutMs} ms: ${behind.length > 0 ? `lanes behind: ${behind.join(', ')}` : `sink counts ${countsSeen}`}`,
        { context: { timeoutMs, lanesBehind: behind.join(',') } },
      );
    }
    await sleep(options.pollIntervalMs ?? 500);
  }
}

async function sinkCounts(probe: LocalPipelineProbe, expected: NonNullable<WaitUntilDrainedOptions['expected']>): Promise<{ done: boolean; description: string }> {
  const enriched = expected.enriched === undefined ? undefined : new Set((await probe.enrichedInS3()).map((record) => record.eventID)).size;
  const deadLetters = expected.deadLetters === undefined ? undefined : (await probe.deadLetters()).length;
  const description = `enriched ${enriched ?? '-'}/${expected.enriched ?? '-'}, dead letters ${deadLetters ?? '-'}/${expected.deadLetters ?? '-'}`;
  if ((enriched ?? 0) > (expected.enriched ?? Infinity) || (deadLetters ?? 0) > (expected.deadLetters ?? Infinity)) {
    throw new PipelineRunError(`The sink holds more than expected: ${description}`, { context: { enriched, deadLetters } });
  }
  return { done: enriched === expected.enriched && deadLetters === expected.deadLetters, description };
}

// ---------------------------------------------------------------------------------------------
// Output-stream consumer: when each enriched record became visible downstream
// ---------------------------------------------------------------------------------------------

/** An enriched record and when it became visible to a consumer (epoch ms). */
export interface EnrichedObservation {
  readonly record: EnrichedCompany;
  readonly outputAtMs: number;
}

/** Options of {@link EnrichedStreamTail.start}. */
export interface EnrichedStreamTailOptions {
  /** Wait between polls of a caught-up shard. @default 100 */
  readonly pollIntervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default - silent */
  readonly logger?: Logger;
}

/**
 * A consumer of the enriched stream, from its start (TRIM_HORIZON), as a downstream user would
 * read it: records each distinct `eventID` with the time it was first seen (the stream is
 * at-least-once). This is the "end" of end-to-end latency. Shards are listed once at start.
 *
 * @example
 * const tail = await EnrichedStreamTail.start(pipeline.probe);
 * // … send, drain …
 * await tail.waitFor(expectedCount, 30_000);
 * await tail.stop();
 * const stats = collectRunStats({ observations: tail.observations(), deadLetters, latencyBasis: 'output-stream' });
 */
export class EnrichedStreamTail {
  private readonly seen = new Map<string, EnrichedObservation>();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  /** Records read in all, repeats included. */
  received = 0;
  /** Records on the stream that are not enriched records. */
  unreadable = 0;

  private constructor(
    private readonly kinesis: KinesisClient,
    private readonly stream: string,
    private readonly settings: Required<EnrichedStreamTailOptions>,
  ) {}

  static async start(probe: LocalPipelineProbe, options: EnrichedStreamTailOptions = {}): Promise<EnrichedStreamTail> {
    const tail = new EnrichedStreamTail(probe.kinesis, probe.endpoints.streams.enriched, {
      pollIntervalMs: options.pollIntervalMs ?? 100,
      now: options.now ?? Date.now,
      logger: options.logger ?? pino({ level: 'silent' }),
    });
    const shards = (await probe.kinesis.send(new ListShardsCommand({ StreamName: tail.stream }))).Shards ?? [];
    tail.loops = shards.map(({ ShardId }) => tail.follow(ShardId ?? ''));
    return tail;
  }

  /** Distinct enriched events seen so far. */
  get distinct(): number {
    return this.seen.size;
  }

  /** Each distinct event with its first arrival, in arrival order. */
  observations(): EnrichedObservation[] {
    return [...this.seen.values()];
  }

  /** Waits until `count` distinct events were seen. @throws PipelineRunError on timeout */
  async waitFor(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.seen.size < count) {
      if (Date.now() > deadline) {
        throw new PipelineRunError(`The output stream showed ${this.seen.size} of ${count} enriched events within ${timeoutMs} ms`, {
          context: { seen: this.seen.size, count, timeoutMs },
        });
      }
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async follow(shardId: string): Promise<void> {
    const { kinesis, stream, settings } = this;
    let lastSequence: string | undefined;
    let iterator: string | undefined;
    while (!this.abort.signal.aborted) {
      try {
        iterator ??= (
          await kinesis.send(
            new GetShardIteratorCommand({
              StreamName: stream,
              ShardId: shardId,
              ...(lastSequence === undefined ? { ShardIteratorType: 'TRIM_HORIZON' } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: lastSequence }),
            }),
          )
        ).ShardIterator;
        if (iterator === undefined) return;
        const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        const arrivedAtMs = settings.now();
        for (const record of page.Records ?? []) {
          lastSequence = record.SequenceNumber ?? lastSequence;
          this.accept(Buffer.from(record.Data ?? []).toString('utf8'), arrivedAtMs);
        }
        iterator = page.NextShardIterator;
        if (iterator === undefined) return; // a closed shard, read to its end
        if ((page.Records ?? []).length === 0) await sleep(settings.pollIntervalMs, this.abort.signal);
      } catch (error) {
        // Expired iterator, throttling or a restarted emulator: re-acquire from the last record seen.
        settings.logger.warn({ shardId, error: String(error) }, 'output stream read failed; retrying');
        iterator = undefined;
        await sleep(Math.max(settings.pollIntervalMs, 250), this.abort.signal);
      }
    }
  }

  private accept(text: string, arrivedAtMs: number): void {
    this.received += 1;
    const decoded = enrichedCompanySchema.safeParse(safeJson(text));
    if (!decoded.success) {
      this.unreadable += 1;
      return;
    }
    if (!this.seen.has(decoded.data.eventID)) this.seen.set(decoded.data.eventID, { record: decoded.data, outputAtMs: arrivedAtMs });
  }
}

/** Observations from records read back from S3: `processedAt` stands in for the output time. */
export function observationsFromProcessedAt(records: readonly EnrichedCompany[]): EnrichedObservation[] {
  const byEvent = new Map<string, EnrichedObservation>();
  for (const record of records) if (!byEvent.has(record.eventID)) byEvent.set(record.eventID, { record, outputAtMs: Date.parse(record.processedAt) });
  return [...byEvent.values()];
}

// ---------------------------------------------------------------------------------------------
// Run statistics
// ---------------------------------------------------------------------------------------------

/**
 * What end-to-end latency is measured to: `output-stream` = when a consumer of the enriched
 * stream first saw the record; `processedAt` = the processor's timestamp in the record (before
 * its sinks publish, so slightly lower). Both start at the event's `sentAt`, its scheduled send
 * time, so producer lag counts too (no coordinated omission).
 */
export type LatencyBasis = 'output-stream' | 'processedAt';

/** Latency percentiles in milliseconds (HDR histogram, 3 significant digits). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** One second of the run, counted from the first `sentAt`. */
export interface TimelineBucket {
  /** Seconds since the run's origin. */
  readonly second: number;
  /** Enriched events scheduled (sentAt) in this second. */
  readonly sent: number;
  /** Enriched events output in this second. */
  readonly output: number;
  /** Latency of the events output in this second; absent when none was. */
  readonly latency?: { readonly p50: number; readonly p99: number };
}

/** A company flagged as a churn risk, from its latest enriched record. */
export interface ChurnRiskRow {
  readonly companyID: string;
  readonly industry: string;
  readonly churnProbability: number;
  readonly job30: number;
  readonly job90: number;
  readonly employees: number;
  readonly monthlyFee: number;
  readonly eventTime: string;
}

/** What {@link collectRunStats} computes. */
export interface RunStats {
  readonly latencyBasis: LatencyBasis;
  /** Distinct enriched events. */
  readonly enriched: number;
  /** Enriched events without `sentAt` (sent by a producer other than ours): not in the latency figures. */
  readonly withoutSentAt: number;
  readonly latencyMs: LatencySummary | undefined;
  /** Epoch ms of second 0 of the timeline: the first `sentAt` (or first output). */
  readonly originMs: number;
  readonly timeline: readonly TimelineBucket[];
  readonly throughput: {
    /** Enriched events per second from the first `sentAt` to the last output. */
    readonly meanPerSecond: number;
    /** Most events output in one timeline second. */
    readonly peakPerSecond: number;
    readonly spanMs: number;
  };
  readonly deadLetters: number;
  /** Dead letters by reason, most frequent first. */
  readonly deadLettersByReason: Readonly<Record<string, number>>;
  readonly churnRisk: {
    /** Distinct companies in the output. */
    readonly companies: number;
    /** Companies whose latest record says `riskOfChurn`. */
    readonly flagged: number;
    /** The `topN` flagged companies by probability, highest first. */
    readonly top: readonly ChurnRiskRow[];
  };
}

/** Input of {@link collectRunStats}. */
export interface RunStatsInput {
  /** One per distinct event (e.g. {@link EnrichedStreamTail.observations} or {@link observationsFromProcessedAt}). */
  readonly observations: readonly EnrichedObservation[];
  readonly deadLetters: readonly DeadLetter[];
  readonly latencyBasis: LatencyBasis;
  /** @default 10 */
  readonly topN?: number;
}

const newHistogram = (): Histogram => buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3, autoResize: true });

function summarize(histogram: Histogram): LatencySummary {
  return {
    count: histogram.totalCount,
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    max: histogram.maxValue,
    mean: Math.round(histogram.mean * 10) / 10,
  };
}

/** Sequence numbers are decimal strings of varying length: compare by length, then lexically. */
function compareSequenceNumbers(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function churnRisk(observations: readonly EnrichedObservation[], topN: number): RunStats['churnRisk'] {
  // A company's records all come from one shard (partition key = companyID): the latest has the highest sequence number.
  const latest = new Map<string, EnrichedCompany>();
  for (const { record } of observations) {
    const current = latest.get(record.companyID);
    if (current === undefined || compareSequenceNumbers(record.source.sequenceNumber, current.source.sequenceNumber) > 0) latest.set(record.companyID, record);
  }
  const flagged = [...latest.values()].filter((record) => record.riskOfChurn === true);
  const top = flagged
    .sort((a, b) => (b.churnProbability ?? 0) - (a.churnProbability ?? 0) || a.companyID.localeCompare(b.companyID))
    .slice(0, topN)
    .map((record) => ({
      companyID: record.companyID,
      industry: record.industry,
      churnProbability: record.churnProbability ?? 0,
      job30: record.job30,
      job90: record.job90,
      employees: record.employees,
      monthlyFee: record.monthlyFee,
      eventTime: record.eventTime,
    }));
  return { companies: latest.size, flagged: flagged.length, top };
}

/**
 * Statistics of a run from its enriched observations and dead letters: end-to-end latency
 * percentiles (HDR histogram from each event's `sentAt`), a per-second timeline of events sent and
 * output with latency, throughput, dead letters by reason and the companies at risk of churn.
 * Pure: give it the same input, get the same figures.
 *
 * @example
 * const stats = collectRunStats({ observations: tail.observations(), deadLetters: await probe.deadLetters(), latencyBasis: 'output-stream' });
 * stats.latencyMs?.p99;
 */
export function collectRunStats(input: RunStatsInput): RunStats {
  const overall = newHistogram();
  const timed = input.observations.flatMap(({ record, outputAtMs }) => (record.sentAt === undefined ? [] : [{ sentAtMs: Date.parse(record.sentAt), outputAtMs }]));
  const origins = timed.length > 0 ? timed.map(({ sentAtMs }) => sentAtMs) : input.observations.map(({ outputAtMs }) => outputAtMs);
  const originMs = origins.reduce((min, ms) => Math.min(min, ms), origins[0] ?? 0);
  const lastOutputMs = input.observations.reduce((max, { outputAtMs }) => Math.max(max, outputAtMs), originMs);
  const secondOf = (ms: number): number => Math.max(0, Math.floor((ms - originMs) / 1000));

  const seconds = input.observations.length > 0 ? secondOf(lastOutputMs) + 1 : 0;
  const sent = new Array<number>(seconds).fill(0);
  const output = new Array<number>(seconds).fill(0);
  const perSecond = new Map<number, Histogram>();
  for (const { outputAtMs } of input.observations) {
    const second = secondOf(outputAtMs);
    output[second] = (output[second] ?? 0) + 1;
  }
  for (const { sentAtMs, outputAtMs } of timed) {
    const latencyMs = Math.max(0, Math.round(outputAtMs - sentAtMs));
    overall.recordValue(latencyMs);
    const second = secondOf(outputAtMs);
    const bucket = perSecond.get(second) ?? newHistogram();
    bucket.recordValue(latencyMs);
    perSecond.set(second, bucket);
    const sentSecond = Math.min(secondOf(sentAtMs), seconds - 1);
    sent[sentSecond] = (sent[sentSecond] ?? 0) + 1;
  }
  const timeline = output.map((count, second): TimelineBucket => {
    const bucket = perSecond.get(second);
    return {
      second,
      sent: sent[second] ?? 0,
      output: count,
      ...(bucket === undefined ? {} : { latency: { p50: bucket.getValueAtPercentile(50), p99: bucket.getValueAtPercentile(99) } }),
    };
  });

  const byReason: Record<string, number> = {};
  for (const { reason } of input.deadLetters) byReason[reason] = (byReason[reason] ?? 0) + 1;
  const spanMs = Math.max(0, lastOutputMs - originMs);
  return {
    latencyBasis: input.latencyBasis,
    enriched: input.observations.length,
    withoutSentAt: input.observations.length - timed.length,
    latencyMs: timed.length > 0 ? summarize(overall) : undefined,
    originMs,
    timeline,
    throughput: {
      meanPerSecond: spanMs > 0 ? Math.round((input.observations.length * 1000 * 10) / spanMs) / 10 : input.observations.length,
      peakPerSecond: output.reduce((max, count) => Math.max(max, count), 0),
      spanMs,
    },
    deadLetters: input.deadLetters.length,
    deadLettersByReason: Object.fromEntries(Object.entries(byReason).sort(([a, x], [b, y]) => y - x || a.localeCompare(b))),
    churnRisk: churnRisk(input.observations, input.topN ?? 10),
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
