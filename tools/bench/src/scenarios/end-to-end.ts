import { rmSync } from 'node:fs';
import path from 'node:path';
import { CreateStreamCommand, KinesisClient, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { DEFAULT_DATASET } from '@tenant-analytics/domain';
import { companyIdsUpTo } from '@tenant-analytics/job-producer';
import { clientConfig, DEFAULT_SHARDS, type KinesisBackend } from '@tenant-analytics/local-stack';
import { startPipeline, type RunningPipeline } from '@tenant-analytics/pipeline-harness';
import { atLeast, atMost, type TargetVerdict } from '../bounds';
import { niceGranularity } from '../sustainability';
import { largestProfileIn, profilingEnv, type ProfileReport } from '../diagnostics/cpu-profile';
import { diagnoseProcessor, diagnosisText, type ProcessorDiagnosis } from '../diagnostics/processor-diagnosis';
import { StepRunner, type DrainSettings, type SearchOutcome, type StepResult } from '../e2e/step-runner';
import { StreamTap } from '../e2e/stream-tap';
import { readLoadAverage } from '../machine';
import type { ScenarioResult } from '../results';
import { ratio } from '../statistics';
import { formatInteger, formatPercent, formatRatio } from '../table';
import type { ScenarioContext } from './scenario-context';

/** Sizes and settings of scenario 3. */
export interface EndToEndOptions {
  readonly backends: readonly KinesisBackend[];
  readonly companies: number;
  /** Latency the churn mock adds to every call (model latency). */
  readonly modelLatencyMs: number;
  readonly stepSeconds: number;
  /** Length of the latency run at 50 % of the sustainable rate. */
  readonly latencySeconds: number;
  /** Per emulator (kinesis-local takes far fewer records per second): the first rate of each search, and our warm-up. */
  readonly perBackend: Readonly<
    Record<KinesisBackend, { readonly startRates: { readonly passThrough: number; readonly ours: number; readonly seed: number }; readonly warmup: { readonly events: number; readonly rate: number } }>
  >;
  readonly refinements: number;
  readonly maxSteps: number;
  /** Whether to run the seed's configuration too (a second search). */
  readonly includeSeed: boolean;
  /** Batches of the in-process diagnosis of one lane (`--diagnose`; 0 = none). */
  readonly diagnosisBatches: number;
}

/** Full and quick sizes; kinesalite by default (kinesis-local takes ~800 records/s, see TOOLCHAIN.md). */
export function endToEndOptions(quick: boolean, backends: readonly KinesisBackend[] = ['kinesalite'], diagnose = false): EndToEndOptions {
  return {
    backends,
    companies: quick ? 300 : DEFAULT_DATASET.size,
    modelLatencyMs: 20,
    stepSeconds: quick ? 3 : 15,
    latencySeconds: quick ? 3 : 30,
    perBackend: {
      kinesalite: {
        startRates: quick ? { passThrough: 2_000, ours: 200, seed: 200 } : { passThrough: 1_000, ours: 400, seed: 200 },
        warmup: quick ? { events: 600, rate: 600 } : { events: 20_000, rate: 1_000 },
      },
      'kinesis-local': { startRates: { passThrough: 100, ours: 50, seed: 50 }, warmup: { events: quick ? 300 : 3_000, rate: 100 } },
    },
    refinements: quick ? 0 : 2,
    maxSteps: quick ? 2 : 10,
    includeSeed: !quick,
    diagnosisBatches: diagnose ? (quick ? 1 : 8) : 0,
  };
}

/** Targets of the issue for scenario 3. */
export const END_TO_END_TARGETS = { fractionOfPassThrough: 0.8, p99AtHalfLoadMs: 1_000 } as const;

/** One design's search and latency run on one emulator. */
interface DesignRun {
  readonly search: SearchOutcome;
  /** The run at 50 % of the sustained rate. */
  readonly atHalf?: StepResult;
}

interface BackendRun {
  readonly backend: KinesisBackend;
  readonly passThrough: DesignRun;
  readonly ours: DesignRun;
  readonly seed?: DesignRun;
  /** One lane of our processor run in this process against the stack, every step timed (`--diagnose`). */
  readonly diagnosis?: ProcessorDiagnosis;
  /** CPU profiles of the processor (whole run of each configuration), with `--profile`. */
  readonly profiles: Readonly<Record<string, ProfileReport>>;
}

const PASS_THROUGH_STREAM = 'bench-passthrough';

/** `processor 0.95, dynamodb 0.41, …`: cores per component, busiest first. */
function cpuText(cores: Readonly<Record<string, number>>): string {
  return Object.entries(cores)
    .sort((a, b) => b[1] - a[1])
    .map(([name, value]) => `${name} ${value.toFixed(2)}`)
    .join(', ');
}

/** CPU use at the highest sustained and the lowest failed step of a search: where the time went when it saturated. */
function saturationText(search: SearchOutcome): string {
  const at = (rate: number | undefined) => search.steps.find((step) => step.targetRate === rate);
  const parts: [string, StepResult | undefined][] = [
    ['highest sustained', at(search.sustained)],
    ['lowest failed', at(search.failedAt)],
  ];
  return parts
    .flatMap(([what, step]) => (step === undefined ? [] : [`${what} ${step.targetRate}/s: ${cpuText(step.cpuCores)}`]))
    .join('; ');
}

/**
 * Scenario 3, end to end on the local stack: the producer's engine sends open-loop steps to the
 * emulator; the processor's local runner (a separate process, as `nx serve processor` runs it)
 * enriches them into S3 and the output stream, where a plain consumer notes when each event came
 * out. For each design the highest rate without a growing backlog is searched, then latency is
 * measured at half of it (HDR histogram, from the scheduled send time). In the same run the
 * emulator's own pass-through (producer → stream → plain consumer, no processing) is measured the
 * same way on a stream of its own, and the seed's configuration (one company per churn call) too.
 */
export async function runEndToEndScenario(options: EndToEndOptions, context: ScenarioContext): Promise<ScenarioResult> {
  const loadBefore = readLoadAverage();
  const started = performance.now();
  const runs: BackendRun[] = [];
  for (const backend of options.backends) runs.push(await runOnBackend(backend, options, context));

  const targets: TargetVerdict[] = [];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const run of runs) {
    const ourRate = run.ours.search.sustained;
    const passRate = run.passThrough.search.sustained;
    const fraction = ourRate === undefined || passRate === undefined ? undefined : ratio(ourRate, passRate);
    const designRow = (name: string, design: DesignRun | undefined, versus: { pass?: number; seed?: number }) => [
      run.backend,
      name,
      // With no failed step the search ran out of steps: the rate is a lower bound.
      design?.search.sustained !== undefined && design.search.failedAt === undefined ? `≥ ${formatInteger(design.search.sustained)}` : formatInteger(design?.search.sustained),
      design?.search.failedAt === undefined ? 'none' : formatInteger(design.search.failedAt),
      formatInteger(design?.atHalf?.targetRate),
      formatInteger(design?.atHalf?.latency.p50),
      formatInteger(design?.atHalf?.latency.p99),
      formatRatio(versus.pass),
      formatRatio(versus.seed),
    ];
    const seedRate = run.seed?.search.sustained;
    rows.push(designRow('emulator pass-through (no processing)', run.passThrough, { pass: 1 }));
    rows.push(designRow('ours (processor, default config)', run.ours, { pass: fraction, ...(seedRate === undefined || ourRate === undefined ? {} : { seed: ratio(ourRate, seedRate) }) }));
    if (run.seed !== undefined) rows.push(designRow('seed config (SCORING_BATCH_SIZE=1)', run.seed, { ...(passRate === undefined || seedRate === undefined ? {} : { pass: ratio(seedRate, passRate) }), seed: 1 }));
    targets.push(
      atLeast(`[${run.backend}] ours ≥ ${END_TO_END_TARGETS.fractionOfPassThrough}× the emulator's pass-through`, fraction, END_TO_END_TARGETS.fractionOfPassThrough, formatRatio),
      atMost(`[${run.backend}] ours p99 ≤ ${END_TO_END_TARGETS.p99AtHalfLoadMs} ms at 50 % load`, run.ours.atHalf?.latency.p99, END_TO_END_TARGETS.p99AtHalfLoadMs, (ms) => `${formatInteger(ms)} ms`),
    );
    for (const [name, design] of [['pass-through', run.passThrough], ['ours', run.ours], ['seed', run.seed]] as const) {
      if (design === undefined) continue;
      const steps = design.search.steps.map((step) => `${step.targetRate} ${step.verdict.sustainable ? '✓' : `✗ (${step.verdict.reasons.join('; ')})`}`);
      notes.push(`[${run.backend}] ${name} steps (events/s): ${steps.join(', ')}${design.search.aborted === undefined ? '' : `; stopped: ${design.search.aborted}`}`);
      notes.push(`[${run.backend}] ${name} CPU cores used while sending (2 = both cores of this machine busy): ${saturationText(design.search)}`);
    }
    if (run.diagnosis !== undefined) notes.push(`[${run.backend}] ${diagnosisText(run.diagnosis)}`);
    for (const [configuration, report] of Object.entries(run.profiles)) {
      notes.push(`[${run.backend}] processor (${configuration}) top self time: ${report.functions.slice(0, 6).map((spot) => `${spot.name} ${formatPercent(spot.share)}`).join('; ')} (${report.file})`);
    }
  }
  notes.push(
    `Sustainable = the producer kept its schedule, every event came out and the per-second median latency grew by at most 50 ms per second over a ${options.stepSeconds} s step; the rate is known to the resolution of the lowest failed step.`,
    `Latency = when a plain consumer of the output stream first saw the event − its scheduled send time (so producer lag counts), at 50 % of the sustained rate for ${options.latencySeconds} s; churn mock at ${options.modelLatencyMs} ms per call.`,
    'The seed config runs our processor with one company per churn call and 20 in flight per batch; it still keeps company state, so it does not pay the seed design’s tenant lookup per event: an upper bound for the seed design.',
  );
  return {
    id: '3',
    title: 'end to end on the local stack (producer → emulator → processor → S3 + stream)',
    parameters: { ...options, backends: options.backends.join('+'), perBackend: JSON.stringify(Object.fromEntries(options.backends.map((backend) => [backend, options.perBackend[backend]]))) },
    table: {
      columns: [
        { title: 'emulator' },
        { title: 'design' },
        { title: 'sustainable events/s', align: 'right' },
        { title: 'failed at', align: 'right' },
        { title: '50 % load', align: 'right' },
        { title: 'p50 ms', align: 'right' },
        { title: 'p99 ms', align: 'right' },
        { title: 'vs pass-through', align: 'right' },
        { title: 'vs seed', align: 'right' },
      ],
      rows,
    },
    targets,
    notes,
    metrics: { runs: runs.map(({ profiles: _profiles, ...run }) => run) },
    ...(runs.some((run) => Object.keys(run.profiles).length > 0)
      ? { profiles: Object.fromEntries(runs.flatMap((run) => Object.entries(run.profiles).map(([name, report]) => [`${run.backend}-${name}`, report]))) }
      : {}),
    load: { before: loadBefore, after: readLoadAverage() },
    durationMs: performance.now() - started,
  };
}

async function runOnBackend(backend: KinesisBackend, options: EndToEndOptions, context: ScenarioContext): Promise<BackendRun> {
  const log = (line: string) => context.log(`scenario 3 [${backend}] ${line}`);
  const profileDirs = context.profileDir === undefined ? undefined : { ours: path.join(context.profileDir, `scenario-3-${backend}-ours`), seed: path.join(context.profileDir, `scenario-3-${backend}-seed`) };
  // A runner writes its profile on exit, named by pid: start from empty folders so only this run's are read.
  for (const dir of Object.values(profileDirs ?? {})) rmSync(dir, { recursive: true, force: true });
  log('starting the local stack and the processor');
  const pipeline = await startPipeline({
    kinesisBackend: backend,
    services: { churnApi: { args: ['--latency-ms', String(options.modelLatencyMs), '--log-level', 'warn'] }, tenantManager: { args: ['--log-level', 'warn'] } },
    runnerEnv: profilingEnv(profileDirs?.ours),
  });
  const processes = () => ({
    ...Object.fromEntries(pipeline.stack.processes.map((child) => [child.component, child.pid])),
    processor: pipeline.runner.child.pid ?? 0,
  });
  const producer = new KinesisClient(clientConfig(pipeline.endpoints, 'kinesis'));
  const tapClient = new KinesisClient(clientConfig(pipeline.endpoints, 'kinesis'));
  const taps: StreamTap[] = [];
  let run: Omit<BackendRun, 'profiles'>;
  try {
    const companyIds = companyIdsUpTo(options.companies);
    const drain: DrainSettings = { timeoutMs: Math.max(15_000, options.stepSeconds * 3_000), stallMs: 5_000 };
    const backlog: DrainSettings = options.stepSeconds < 10 ? { timeoutMs: 30_000, stallMs: 10_000 } : { timeoutMs: 180_000, stallMs: 20_000 };
    const search = (startRate: number) => ({ startRate, refinements: options.refinements, maxSteps: options.maxSteps, granularity: niceGranularity(startRate) });
    const processorAlive = () => {
      const { child, output } = pipeline.runner;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the processor exited (${child.exitCode ?? child.signalCode}):\n${output().slice(-2_000)}`);
    };
    const runDesign = async (runner: StepRunner, startRate: number, check?: () => void): Promise<DesignRun> => {
      const outcome = await runner.search(search(startRate), options.stepSeconds, drain, backlog, check);
      if (outcome.sustained === undefined) return { search: outcome };
      const { collector: _collector, ...atHalf } = await runner.step(Math.max(1, Math.round(outcome.sustained / 2)), options.latencySeconds, drain, check);
      return { search: outcome, atHalf };
    };

    // The emulator alone: its own stream, the same producer, a plain consumer.
    await producer.send(new CreateStreamCommand({ StreamName: PASS_THROUGH_STREAM, ShardCount: DEFAULT_SHARDS.jobs }));
    await waitUntilStreamExists({ client: producer, maxWaitTime: 60 }, { StreamName: PASS_THROUGH_STREAM });
    const passThroughRunner = new StepRunner({ producer, inputStream: PASS_THROUGH_STREAM, companyIds, label: 'pass', processes, log });
    taps.push(await StreamTap.start(tapClient, PASS_THROUGH_STREAM, passThroughRunner.handler));
    log('emulator pass-through');
    const { startRates, warmup } = options.perBackend[backend];
    const passThrough = await runDesign(passThroughRunner, startRates.passThrough);

    // Ours: default configuration. Warm up first: tenant lookups and company state for every company.
    const oursRunner = new StepRunner({ producer, inputStream: pipeline.endpoints.streams.jobs, companyIds, label: 'ours', processes, log });
    taps.push(await StreamTap.start(tapClient, pipeline.endpoints.streams.enriched, oursRunner.handler));
    log(`ours: warm-up, ${warmup.events} events at ${warmup.rate}/s`);
    await oursRunner.step(warmup.rate, warmup.events / warmup.rate, { timeoutMs: 180_000, stallMs: 30_000 }, processorAlive);
    const ours = await runDesign(oursRunner, startRates.ours, processorAlive);
    let diagnosis: ProcessorDiagnosis | undefined;
    if (options.diagnosisBatches > 0) {
      log(`ours: timing ${options.diagnosisBatches} batches of 1,000 records in this process, one lane`);
      diagnosis = await diagnoseProcessor(pipeline.endpoints, { batches: options.diagnosisBatches, recordsPerBatch: 1_000, companies: options.companies });
    }

    let seed: DesignRun | undefined;
    if (options.includeSeed) {
      log('seed config: restarting the processor with SCORING_BATCH_SIZE=1');
      await pipeline.restartRunner({ SCORING_BATCH_SIZE: '1', ASYNC_CAPACITY: '20', ...profilingEnv(profileDirs?.seed) });
      const seedRunner = new StepRunner({ producer, inputStream: pipeline.endpoints.streams.jobs, companyIds, label: 'seed', processes, log });
      taps.push(await StreamTap.start(tapClient, pipeline.endpoints.streams.enriched, seedRunner.handler));
      // A fresh process: let it compile, connect and recover its lanes before the first measured step.
      await seedRunner.step(Math.max(10, Math.round(startRates.seed / 4)), options.stepSeconds / 3, { timeoutMs: 120_000, stallMs: 30_000 }, processorAlive);
      seed = await runDesign(seedRunner, startRates.seed, processorAlive);
    }
    run = { backend, passThrough, ours, ...(seed === undefined ? {} : { seed }), ...(diagnosis === undefined ? {} : { diagnosis }) };
  } finally {
    await Promise.all(taps.map((tap) => tap.stop()));
    producer.destroy();
    tapClient.destroy();
    await stopPipeline(pipeline, log);
  }
  // The runners write their profiles when they exit: read them once the pipeline has stopped.
  const profiles: Record<string, ProfileReport> = {};
  for (const [configuration, dir] of Object.entries(profileDirs ?? {})) {
    const report = largestProfileIn(dir);
    if (report !== undefined) profiles[configuration] = report;
  }
  return { ...run, profiles };
}

async function stopPipeline(pipeline: RunningPipeline, log: (line: string) => void): Promise<void> {
  const { runner } = await pipeline.stop();
  if (!runner.clean) log(`the processor did not exit cleanly (code ${runner.code}, signal ${runner.signal})`);
}
