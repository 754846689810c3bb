import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DomainError, sleep } from '@tenant-analytics/domain';
import { companyIdsUpTo, seedCompanies, sendJobEvents, type SendProgress, type SendSummary } from '@tenant-analytics/job-producer';
import { DEFAULT_ENDPOINTS_FILE, LOCAL_SINK_PREFIXES, pinoLogger, readProvidedEndpoints } from '@tenant-analytics/local-stack';
import {
  EnrichedStreamTail,
  collectRunStats,
  counterOf,
  lastRunnerMetrics,
  listKeys,
  startPipeline,
  waitUntilDrained,
  type RunnerMetrics,
  type RunningPipeline,
} from '@tenant-analytics/pipeline-harness';
import { LiveCollector, processorMetricsBaseUrl, startLiveViewServer, type LiveViewServer } from '@tenant-analytics/live-view';
import type { Logger } from 'pino';
import { accountFor, type DemoOutputs, type DemoResult } from './demo-result';
import type { DemoOptions } from './demo-options';
import { chooseDemoPorts, FREE_DEMO_PORTS } from './demo-ports';
import { formatCount, formatMs, formatRatio } from './format';
import { renderHtmlReport } from './html-report';
import { latencyCdf } from './latency-distribution';
import { latestReport } from './previous-report';
import { renderSummary } from './summary';

/** Where the demo writes and how it is interrupted. */
export interface DemoIo {
  /** User-facing text (stdout). */
  readonly out: (text: string) => void;
  /** Aborted on Ctrl-C / SIGTERM: the demo stops what it started and returns 130. */
  readonly signal: AbortSignal;
  /** Diagnostics of the stack and harness (warnings). */
  readonly logger: Logger;
}

/** The demo was interrupted (Ctrl-C). */
export class DemoInterruptedError extends DomainError {
  constructor(readonly signalName: string) {
    super(`interrupted by ${signalName}`, { context: { signalName } });
  }
}

/** A step of the demo failed; the message says which and why. */
export class DemoFailedError extends DomainError {
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { cause: options.cause });
  }
}

/** How the demo ended: the exit code for `npm start`, and the report when one was written. */
export interface DemoOutcome {
  readonly exitCode: number;
  readonly reportPath?: string;
}

const EXIT_FAILED = 1;
const EXIT_INTERRUPTED = 130;
const PROGRESS_EVERY_MS = 5_000;
/** The runner logs a metrics snapshot every 15 s. */
const FRESH_METRICS_TIMEOUT_MS = 20_000;
const STREAM_CATCH_UP_TIMEOUT_MS = 30_000;

/** Rejects with {@link DemoInterruptedError} as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DemoInterruptedError(String(signal.reason)));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DemoInterruptedError(String(signal.reason)));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function secondsSince(startMs: number): string {
  return `${((Date.now() - startMs) / 1000).toFixed(1)} s`;
}

/** `run-2026-11-25T10-00-00Z.html`: sortable, and valid on every file system. */
export function reportFileName(startedAt: Date): string {
  return `run-${startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.html`;
}

/** Waits for a metrics snapshot logged after `offset` in the runner's output (it logs one every 15 s). */
async function freshRunnerMetrics(pipeline: RunningPipeline, offset: number, signal: AbortSignal): Promise<RunnerMetrics | undefined> {
  const deadline = Date.now() + FRESH_METRICS_TIMEOUT_MS;
  for (;;) {
    const metrics = lastRunnerMetrics(pipeline.runner.output().slice(offset));
    if (metrics !== undefined || Date.now() > deadline) return metrics;
    await abortable(sleep(250), signal);
  }
}

function progressPrinter(io: DemoIo, total: number): (progress: SendProgress) => void {
  let lastPrintMs = Date.now();
  return (progress) => {
    if (Date.now() - lastPrintMs < PROGRESS_EVERY_MS) return;
    lastPrintMs = Date.now();
    io.out(`    ${(progress.elapsedMs / 1000).toFixed(0).padStart(3)} s: ${formatCount(progress.accepted)} / ${formatCount(total)} accepted (schedule lag ${formatMs(progress.lagMs)})\n`);
  };
}

/** Runs the steps between start and stop; returns the result and the runner's final metrics. */
async function runSteps(
  pipeline: RunningPipeline,
  options: DemoOptions,
  io: DemoIo,
  context: { readonly startedAt: Date; readonly portFallbacks: DemoResult['portFallbacks']; readonly live: LiveCollector },
): Promise<DemoResult> {
  const { probe, endpoints } = pipeline;
  const step = async <T>(title: string, work: () => Promise<T>, done: (value: T) => string = () => ''): Promise<T> => {
    const startMs = Date.now();
    io.out(`> ${title}\n`);
    const value = await abortable(work(), io.signal);
    const detail = done(value);
    io.out(`  done in ${secondsSince(startMs)}${detail === '' ? '' : `: ${detail}`}\n`);
    return value;
  };
  const drainTimeoutMs = options.drainTimeoutSeconds * 1000;
  const tail = await EnrichedStreamTail.start(probe, { logger: pinoLogger(io.logger) });
  try {
    const seeded = await step(`Seeding ${formatCount(options.companies)} companies on ${endpoints.streams.companies} and waiting until the processor has applied them`, async () => {
      const startMs = Date.now();
      const summary = await seedCompanies({ streamName: endpoints.streams.companies, size: options.companies }, { kinesis: probe.kinesis, logger: io.logger });
      await waitUntilDrained(probe, { streams: [endpoints.streams.companies], timeoutMs: drainTimeoutMs });
      return { companies: summary.accepted, durationMs: Date.now() - startMs };
    });
    const ratePerSecond = options.events / options.durationSeconds;
    const send = await step(
      `Sending ${formatCount(options.events)} job events over ${options.durationSeconds} s (${formatCount(ratePerSecond)}/s; ${formatRatio(options.invalidRatio)} invalid, ${formatRatio(options.duplicateRatio)} duplicates, ${formatRatio(options.outOfOrderRatio)} late)`,
      (): Promise<SendSummary> =>
        sendJobEvents(
          {
            streamName: endpoints.streams.jobs,
            count: options.events,
            ratePerSecond,
            companyIds: companyIdsUpTo(options.companies),
            runId: `demo-${context.startedAt.getTime()}`,
            seed: options.seed,
            invalidRatio: options.invalidRatio,
            duplicateRatio: options.duplicateRatio,
            outOfOrderRatio: options.outOfOrderRatio,
            signal: io.signal,
          },
          { kinesis: probe.kinesis, logger: io.logger, onProgress: progressPrinter(io, options.events) },
        ),
      (summary) => `${formatCount(summary.accepted)} accepted at ${formatCount(summary.achievedRatePerSecond)}/s`,
    );
    const drain = await step('Waiting until every event is processed (lane checkpoints at the tip of every shard)', () =>
      waitUntilDrained(probe, { timeoutMs: drainTimeoutMs }),
    );
    const collected = await step('Reading the outputs (S3 sink, dead letters, enriched stream)', async () => {
      const [enriched, deadLetters, keys] = await Promise.all([probe.enrichedInS3(), probe.deadLetters(), listKeys(probe, `${LOCAL_SINK_PREFIXES.enriched}/`)]);
      const distinct = new Set(enriched.map(({ eventID }) => eventID)).size;
      await tail.waitFor(distinct, STREAM_CATCH_UP_TIMEOUT_MS).catch(() => undefined); // a shortfall shows in the accounting
      return { enriched, deadLetters, keys, distinct };
    });
    await tail.stop();
    const stats = collectRunStats({ observations: tail.observations(), deadLetters: collected.deadLetters, latencyBasis: 'output-stream' });

    let processorMetrics: RunnerMetrics | undefined;
    if (options.keepRunning) {
      processorMetrics = await step('Waiting for the processor\'s next metrics snapshot (it logs one every 15 s)', () =>
        freshRunnerMetrics(pipeline, pipeline.runner.output().length, io.signal),
      );
    } else {
      const exit = await step('Stopping the processor (SIGTERM: it drains and exits)', () => pipeline.stopRunner(), (runner) => `exit code ${runner.code ?? runner.signal}`);
      if (!exit.clean) throw new DemoFailedError(`The processor did not exit cleanly (code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'}). Last output:\n${exit.outputTail}`);
      processorMetrics = exit.metrics;
    }
    await context.live.refresh();
    const outputs: DemoOutputs = {
      enrichedUri: `s3://${endpoints.bucket}/${LOCAL_SINK_PREFIXES.enriched}/`,
      deadLettersUri: `s3://${endpoints.bucket}/${LOCAL_SINK_PREFIXES.deadLetters}/`,
      enrichedObjects: collected.keys.length,
      sampleKey: collected.keys[0],
      sampleCompanyID: stats.churnRisk.top[0]?.companyID ?? collected.enriched[0]?.companyID,
    };
    return {
      options,
      startedAt: context.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      endpoints,
      portFallbacks: context.portFallbacks,
      seeded,
      send,
      drainMs: drain.waitedMs,
      accounting: accountFor({
        send,
        enriched: collected.distinct,
        enrichedLines: collected.enriched.length,
        deadLetters: collected.deadLetters.length,
        duplicatesSkipped: counterOf(processorMetrics, 'DuplicatesSkipped'),
        onStream: tail.distinct,
      }),
      stats,
      processorMetrics,
      outputs,
      stackRunning: options.keepRunning,
      live: context.live.model(),
      latencyCdf: latencyCdf(tail.observations()),
    };
  } finally {
    await tail.stop();
  }
}

function waitForSignal(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

/**
 * `npm start`: the whole pipeline on the local stack with a workload, then a summary and an HTML
 * report. Stops everything it started (unless `keepRunning`, then on Ctrl-C) and never throws:
 * failures are printed and become the exit code (1 failed, 130 interrupted).
 */
export async function runDemo(options: DemoOptions, io: DemoIo): Promise<DemoOutcome> {
  const startedAt = new Date();
  let pipeline: RunningPipeline | undefined;
  let live: LiveCollector | undefined;
  let liveView: LiveViewServer | undefined;
  let outcome: DemoOutcome = { exitCode: EXIT_FAILED };
  try {
    const { ports, taken } = options.freePorts ? FREE_DEMO_PORTS : await chooseDemoPorts();
    for (const { name, port } of taken) io.out(`! Port ${port} (${name}) is taken (another local stack running?): using a free port instead.\n`);
    // The default endpoints file lets `nx serve processor` and the producer CLI find the stack; never overwrite another stack's.
    const endpointsFile = !options.freePorts && taken.length === 0 && !existsSync(DEFAULT_ENDPOINTS_FILE) ? DEFAULT_ENDPOINTS_FILE : undefined;
    const startMs = Date.now();
    const processorKind = options.runtime === 'lambda' ? 'the processor (src/handler.ts behind emulated Lambda event source mappings)' : 'the processor';
    const provided = options.endpoints === undefined ? undefined : readProvidedEndpoints(options.endpoints);
    const stackKind =
      provided === undefined
        ? `the local stack (${options.kinesisBackend}, s3rver, dynalite)`
        : `the streams, bucket and table on the endpoints of ${provided.file} (created when missing)`;
    io.out(`> Starting ${stackKind}, the tenant manager and churn API mocks, and ${processorKind}\n`);
    pipeline = await abortable(
      startPipeline({
        ...(provided === undefined ? {} : { provided }),
        ...(options.backend === undefined ? {} : { backend: options.backend }),
        kinesisBackend: options.kinesisBackend,
        ports,
        ...(endpointsFile === undefined ? {} : { endpointsFile }),
        // The local runner serves its metrics (a free port, read back from its log) for the live view and the report.
        runnerArgs: options.runtime === 'local' ? ['--metrics-port', '0'] : ['--runtime', options.runtime],
        logger: pinoLogger(io.logger),
      }),
      io.signal,
    );
    const processes = pipeline.stack.processes.map(({ component, port }) => `${component} :${port}`).join(', ');
    io.out(`  done in ${secondsSince(startMs)} (${pipeline.stack.backend === 'containers' ? 'containers' : 'child processes'}): ${processes}, processor pid ${pipeline.runnerPid ?? pipeline.runner.child.pid}\n`);

    const metricsUrl = processorMetricsBaseUrl(pipeline.runner.output());
    live = await LiveCollector.start({ probe: pipeline.probe, ...(metricsUrl === undefined ? {} : { processorMetricsUrl: metricsUrl }), logger: pinoLogger(io.logger) });
    liveView = await startLiveViewServer(live, { port: options.liveViewPort, title: `Tenant analytics: npm start ${startedAt.toISOString()}` });
    io.out(
      `> Live view: ${liveView.url} (127.0.0.1 only, no authentication)${metricsUrl === undefined ? ' — the lambda runtime serves no processor metrics' : `; processor metrics: ${metricsUrl}/metrics`}\n`,
    );

    const previousReport = latestReport(options.reportDir);
    const result = await runSteps(pipeline, options, io, { startedAt, portFallbacks: taken, live });
    mkdirSync(options.reportDir, { recursive: true });
    const reportPath = path.join(options.reportDir, reportFileName(startedAt));
    writeFileSync(reportPath, renderHtmlReport(result, previousReport));
    io.out(renderSummary(result, reportPath));
    outcome = { exitCode: result.accounting.balanced ? 0 : EXIT_FAILED, reportPath };
    if (!result.accounting.balanced) io.out(`\nFAILED: not every accepted event is accounted for (${result.accounting.problems.join('; ')}).\n`);
    if (options.keepRunning) {
      io.out(
        `\nThe stack and the processor keep running${endpointsFile === undefined ? '' : ` (endpoints in ${endpointsFile})`}. Press Ctrl-C (or kill -INT ${process.pid}) to stop them.\n`,
      );
      await waitForSignal(io.signal);
    }
  } catch (error) {
    if (error instanceof DemoInterruptedError || io.signal.aborted) {
      outcome = { exitCode: EXIT_INTERRUPTED };
      io.out(`\nInterrupted: stopping everything.\n`);
    } else {
      outcome = { exitCode: EXIT_FAILED };
      io.out(`\nFAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  } finally {
    await liveView?.close();
    await live?.stop();
    if (pipeline !== undefined) {
      const { runner } = await pipeline.stop();
      if (!runner.clean) {
        io.out(`The processor did not exit cleanly (code ${runner.code ?? 'none'}, signal ${runner.signal ?? 'none'}). Its last output:\n${runner.outputTail}\n`);
        if (outcome.exitCode === 0) outcome = { ...outcome, exitCode: EXIT_FAILED };
      }
      io.out('Stopped the processor and the local stack.\n');
    }
  }
  return outcome;
}
