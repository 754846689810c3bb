import { countedJobs, DomainError, type CompanyStateRecord, type DeadLetter } from '@tenant-analytics/domain';
import { companyIdsUpTo, sendJobEvents, type SendJobEventsOptions, type SendSummary } from '@tenant-analytics/job-producer';
import type { KinesisBackend } from '@tenant-analytics/local-stack';
import {
  accountedCompanies,
  accountForRecords,
  collectRunStats,
  observationsFromProcessedAt,
  startPipeline,
  waitUntilDrained,
  type AccountableRecord,
  type AccountingReport,
  type RunnerExit,
  type RunningPipeline,
  type RunStats,
} from '@tenant-analytics/pipeline-harness';
import type { LogCapture, SuiteSecrets } from './log-scan';

/** What every scenario shares: where logs go, the secrets handed out, the emulator, the seed. */
export interface SuiteSettings {
  readonly kinesisBackend: KinesisBackend;
  readonly secrets: SuiteSecrets;
  readonly logs: LogCapture;
  /** Base seed of the generated traffic and of random kill times. */
  readonly seed: number;
  /** Progress lines for the person watching (stderr in the CLI). */
  readonly progress: (message: string) => void;
}

/** How a scenario wants its pipeline. */
export interface ChaosPipelineOptions {
  /** Config keys of the runner as environment variables (`RUNNER_GETRECORDS_LIMIT`, …). */
  readonly runnerEnv?: Readonly<Record<string, string>>;
  /** Extra flags of the runner (`--runtime lambda`). @default none */
  readonly runnerArgs?: readonly string[];
  /** Companies the generated events are spread over (`comp_0 …`). @default 300 */
  readonly companies?: number;
  /** This scenario's Kinesis emulator. @default - the suite's */
  readonly kinesisBackend?: KinesisBackend;
}

/** A send of generated events: any option of `sendJobEvents` but the stream, ids and seed. */
export type ChaosSendOptions = Omit<SendJobEventsOptions, 'streamName' | 'runId' | 'seed' | 'companyIds'> & { readonly companyIds?: readonly string[] };

/** What the sinks hold at the end, compared with the inputs. */
export interface PipelineOutcome {
  readonly accounting: AccountingReport;
  readonly stats: RunStats;
  readonly deadLetters: readonly DeadLetter[];
  /** Version and watermarks of the companies whose counter is off, for diagnosis. */
  readonly mismatchedStates: readonly { readonly companyID: string; readonly version: number; readonly watermarks: Readonly<Record<string, string>> }[];
  /** How the last runner process ended (a clean drain on SIGTERM is code 0). */
  readonly lastRunner: RunnerExit;
}

/** Options of {@link ChaosPipeline.finish}. */
export interface FinishOptions {
  /** Failure reasons valid events may get (see `accountForRecords`). @default both */
  readonly toleratedFailures?: readonly ('score-failed' | 'lookup-failed')[];
  /** Wait until every lane is at its shard's tip first. @default true */
  readonly drain?: boolean;
  /** @default 180000 */
  readonly drainTimeoutMs?: number;
  /** The records to account for. @default - every record accepted */
  readonly records?: readonly AccountableRecord[];
}

const DEFAULT_COMPANIES = 300;

/**
 * The pipeline of one scenario (local stack, both mocks with the suite's api key required, the
 * runner as a process) with what the suite needs around it: every record Kinesis accepted, with its
 * expected outcome; every runner process it started and its output in the log capture; SIGKILL of
 * the real runner process; and the final accounting.
 */
export class ChaosPipeline {
  /** Every record accepted on the jobs stream, in acceptance order. */
  readonly records: AccountableRecord[] = [];
  /** How each runner process that was replaced or stopped ended. */
  readonly runnerExits: RunnerExit[] = [];
  private sends = 0;
  private runnerCount = 1;
  private stopped: Promise<RunnerExit> | undefined;

  private constructor(
    readonly name: string,
    readonly pipeline: RunningPipeline,
    private readonly settings: SuiteSettings,
    private readonly companyIds: readonly string[],
  ) {}

  static async start(name: string, settings: SuiteSettings, options: ChaosPipelineOptions = {}): Promise<ChaosPipeline> {
    const pipeline = await startPipeline({
      kinesisBackend: options.kinesisBackend ?? settings.kinesisBackend,
      services: { tenantManager: true, churnApi: { args: ['--api-key', settings.secrets.apiKey] } },
      runnerEnv: { PREDICT_CHURN_API_KEY: settings.secrets.apiKey, ...options.runnerEnv },
      ...(options.runnerArgs === undefined ? {} : { runnerArgs: options.runnerArgs }),
      logger: settings.logs.logger(`${name}/local-stack`),
    });
    return new ChaosPipeline(name, pipeline, settings, companyIdsUpTo(options.companies ?? DEFAULT_COMPANIES));
  }

  get endpoints(): RunningPipeline['endpoints'] {
    return this.pipeline.endpoints;
  }

  get probe(): RunningPipeline['probe'] {
    return this.pipeline.probe;
  }

  /** Registers records put by other means than {@link send} (hand-made corpora). */
  accepted(records: readonly AccountableRecord[]): void {
    this.records.push(...records);
  }

  /** Sends generated events (unique run id per call) and registers each accepted batch. */
  send(options: ChaosSendOptions): Promise<SendSummary> {
    this.sends += 1;
    return sendJobEvents(
      {
        ...options,
        companyIds: options.companyIds ?? this.companyIds,
        streamName: this.endpoints.streams.jobs,
        runId: `${this.name.slice(0, 20)}-${this.sends}`,
        seed: this.settings.seed + this.sends,
      },
      { kinesis: this.probe.kinesis, onRecordsAccepted: (records) => this.accepted(records) },
    );
  }

  /** PID of the process that runs the processor (not tsx's wrapper), once it has logged. */
  runnerPid(): number | undefined {
    return this.pipeline.runnerPid;
  }

  /** True while the current runner process has not exited. */
  runnerAlive(): boolean {
    const { child } = this.pipeline.runner;
    return child.exitCode === null && child.signalCode === null;
  }

  /** SIGKILLs the processor (no drain, no cleanup) and waits until the runner has exited. */
  async killRunner(): Promise<void> {
    await this.pipeline.killRunner('SIGKILL');
  }

  /** Waits up to `timeoutMs` for the current runner to exit by itself (a crash hook). */
  async waitForRunnerExit(timeoutMs: number): Promise<boolean> {
    return settlesWithin(this.pipeline.runner.exited, timeoutMs);
  }

  /** Stops the current runner (SIGTERM drain, unless it has exited) and starts a new one with `env`. */
  async restartRunner(env: Readonly<Record<string, string>> = {}): Promise<RunnerExit> {
    const previous = this.pipeline.runner;
    const exit = await this.pipeline.restartRunner(env);
    this.settings.logs.add(`${this.name}/runner#${this.runnerCount}`, previous.output());
    this.runnerCount += 1;
    this.runnerExits.push(exit);
    return exit;
  }

  /** Output of the current runner so far. */
  runnerOutput(): string {
    return this.pipeline.runner.output();
  }

  /**
   * Waits until every record is processed, stops the runner (a drain, which compacts its lanes),
   * reads S3, the dead letters, the output stream and the counters of every company concerned, and
   * accounts for every record; then stops the pipeline.
   */
  async finish(options: FinishOptions = {}): Promise<PipelineOutcome> {
    if (options.drain !== false) await waitUntilDrained(this.probe, { timeoutMs: options.drainTimeoutMs ?? 180_000, streams: [this.endpoints.streams.jobs] });
    // The runner stops first (SIGTERM drain): it compacts its lanes when it stops, so the company
    // items then hold every count (with state compaction they lag the lanes by up to an interval).
    await this.pipeline.stopRunner();
    const records = options.records ?? this.records;
    const enriched = await reading('the S3 sink', () => this.probe.enrichedInS3());
    const deadLetters = await reading('the dead letters', () => this.probe.deadLetters());
    const onStream = await reading('the output stream', () => this.probe.enrichedOnStream());
    const counted = new Map<string, number>();
    const states = new Map<string, CompanyStateRecord>();
    for (const companyID of accountedCompanies(records)) {
      const state = await reading(`the state of ${companyID}`, () => this.probe.companyState(companyID));
      if (state === undefined) continue;
      counted.set(companyID, countedJobs(state));
      states.set(companyID, state);
    }
    const accounting = accountForRecords({
      records,
      enriched,
      deadLetters,
      onStream,
      countedJobs: counted,
      ...(options.toleratedFailures === undefined ? {} : { toleratedFailures: options.toleratedFailures }),
    });
    const stats = collectRunStats({ observations: observationsFromProcessedAt(enriched), deadLetters, latencyBasis: 'processedAt' });
    const mismatchedStates = (accounting.counters?.mismatches ?? []).flatMap(({ companyID }) => {
      const state = states.get(companyID);
      return state === undefined ? [] : [{ companyID, version: state.version, watermarks: state.watermarks }];
    });
    return { accounting, stats, deadLetters, mismatchedStates, lastRunner: await this.stop() };
  }

  /** Stops the runner (drain) and the stack, and captures the runner's output. Idempotent. */
  stop(): Promise<RunnerExit> {
    this.stopped ??= (async () => {
      const runner = this.pipeline.runner;
      try {
        return (await this.pipeline.stop()).runner;
      } finally {
        this.settings.logs.add(`${this.name}/runner#${this.runnerCount}`, runner.output());
      }
    })();
    return this.stopped;
  }
}

/** Reading what the pipeline produced failed; the message says what was being read. */
export class SinkReadError extends DomainError {
  declare readonly context: { readonly what: string };

  constructor(message: string, context: SinkReadError['context'], options: { readonly cause: unknown }) {
    super(message, { context, cause: options.cause });
  }
}

async function reading<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new SinkReadError(`reading ${what} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { what }, { cause: error });
  }
}


/** True if `promise` settles within `ms` (its timer is cleared either way). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
