import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep, SILENT_LOGGER, type Logger } from '@tenant-analytics/domain';
import {
  startLocalStack,
  type KinesisBackend,
  type LocalEndpoints,
  type LocalStack,
  type LocalStackBackend,
  type LocalStackOptions,
  type PortName,
  type ProvidedEndpoints,
  type ServiceOption,
} from '@tenant-analytics/local-stack';
import { LocalPipelineProbe, spawnLocalRunner } from './local-pipeline';
import { PipelineRunError } from './pipeline-run-error';
import { lastRunnerMetrics, RUNNER_READY_MESSAGE, RUNNER_STOPPED_MESSAGE, runnerPidOf, type RunnerMetrics } from './runner-log';

/** Every port 0: each child takes a free port, so runs never collide. */
const FREE_PORTS: Readonly<Record<PortName, number>> = { kinesis: 0, s3: 0, dynamodb: 0, tenantManager: 0, churnApi: 0 };

/** Options of {@link startPipeline}; every field is optional. */
export interface StartPipelineOptions {
  /** Where the stack's emulators and services run. @default - `LOCAL_STACK_BACKEND`, else 'auto' */
  readonly backend?: LocalStackBackend;
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
  /** Endpoints the user runs (LocalStack, moto, AWS) instead of the emulators (`--endpoints <file>`). @default - the emulators */
  readonly provided?: ProvidedEndpoints;
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
    if (!exit.clean) this.settings.logger.warn('the processor did not exit cleanly', { code, signal: exitSignal });
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
  const logger = options.logger ?? SILENT_LOGGER;
  const workDir = options.endpointsFile === undefined ? mkdtempSync(path.join(os.tmpdir(), 'pipeline-run-')) : undefined;
  const endpointsFile = options.endpointsFile ?? path.join(workDir ?? '', 'endpoints.json');
  const removeWorkDir = (): void => {
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  };
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      ...(options.backend === undefined ? {} : { backend: options.backend }),
      ...(options.kinesisBackend === undefined ? {} : { kinesisBackend: options.kinesisBackend }),
      ports: { ...FREE_PORTS, ...options.ports },
      services: { tenantManager: true, churnApi: true, ...options.services },
      ...(options.shards === undefined ? {} : { shards: options.shards }),
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.provided === undefined ? {} : { provided: options.provided }),
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
  logger.info('pipeline running', { endpointsFile, runnerPid: runner.child.pid });
  return new Pipeline(stack, endpointsFile, new LocalPipelineProbe(stack.endpoints), runner, settings);
}
