import { DEFAULT_DATASET, DEFAULT_JOB_EVENT_LIMITS, generateCompanies } from '@tenant-analytics/domain';
import { createKinesisEventHandler, type Clock } from '@tenant-analytics/processor';
import { InMemoryObjectSink, InMemoryStreamSink, InMemoryTenantDirectory, MemoryLogger } from '@tenant-analytics/processor/testing';
import { atLeast } from '../bounds';
import { LAMBDA_DEPLOYMENT } from '../cost/lambda-deployment';
import { lambdaComputeOfCpu, type LambdaComputeOfCpu } from '../cost/monthly-cost';
import { PRICE_LIST } from '../cost/price-list';
import { BENCH_EVENT_SOURCE, invokeInOrder, toKinesisEvent } from '../kinesis-events';
import { readLoadAverage } from '../machine';
import { profileRun, type ProfileReport } from '../diagnostics/cpu-profile';
import { designFigures, measure, type DesignFigures, type Measurement } from '../measure';
import { ModelChurnScorer } from '../model-scorer';
import { buildOurDesign, processLanes, rememberedEventIds, type OurDesign } from '../our-design';
import type { ScenarioResult } from '../results';
import type { Table } from '../table';
import { SeedDesignPipeline } from '../seed-design';
import { ratePerSecond, ratio } from '../statistics';
import { formatDecimal, formatInteger, formatPercent, formatRatio } from '../table';
import { JobWorkload } from '../workload';
import type { ScenarioContext } from './scenario-context';
import { usd } from './state-cost-report';

/** Sizes of scenario 1. */
export interface CoreCpuOptions {
  readonly companies: number;
  readonly eventsPerRound: number;
  readonly rounds: number;
  /** Events run through both designs before timing (JIT, tenant cache, company state). */
  readonly warmupEvents: number;
  readonly recordsPerBatch: number;
  readonly shards: number;
  readonly scoringBatchSize: number;
  readonly capacity: number;
  /** Events run through the Lambda handler before its rounds are timed (its own code paths: base64, grouping). */
  readonly handlerWarmupEvents: number;
}

/** Full and quick sizes: realistic batches (1,000 records per shard batch) over the 10,000-company data set. */
export function coreCpuOptions(quick: boolean): CoreCpuOptions {
  return {
    companies: DEFAULT_DATASET.size,
    eventsPerRound: quick ? 5_000 : 100_000,
    rounds: quick ? 2 : 5,
    warmupEvents: quick ? 5_000 : 50_000,
    recordsPerBatch: 1_000,
    shards: 2,
    scoringBatchSize: 100,
    capacity: 20,
    handlerWarmupEvents: quick ? 2_000 : 10_000,
  };
}

/** The target of the issue for our core path, one core. */
export const CORE_TARGET_EVENTS_PER_SECOND = 100_000;

/** The rate the Lambda compute is priced at: issue #11's workload, scenario 4's rate and apps/infra's `expectedEventsPerSecond` default. */
export const LAMBDA_COST_EVENTS_PER_SECOND = 1_000;

const clock: Clock = { now: () => new Date() };

/**
 * Scenario 1, the core CPU path: the same job events through our `BatchProcessor` (decode, state,
 * rolling windows, batched scoring with the in-process model, write-ahead, commits, gzip sink,
 * stream sink; all adapters in memory) and through the seed's design (a lookup and a score call
 * per event, 20 in flight). One process, lanes one at a time: JavaScript runs on one core. Rounds
 * alternate between the designs so that both see the same background load.
 */
export async function runCoreCpuScenario(options: CoreCpuOptions, context: ScenarioContext): Promise<ScenarioResult> {
  const loadBefore = readLoadAverage();
  const started = performance.now();
  const companies = generateCompanies(DEFAULT_DATASET.seed, options.companies);
  const workload = new JobWorkload({ companies: options.companies, shards: options.shards, recordsPerBatch: options.recordsPerBatch, seed: 7 });
  const scorer = new ModelChurnScorer();
  const ours = buildOurDesign({ companies, scorer, settings: { scoringBatchSize: options.scoringBatchSize, capacity: options.capacity }, clock });
  const seedSinks = { objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
  const seed = new SeedDesignPipeline(
    { capacity: options.capacity, limits: DEFAULT_JOB_EVENT_LIMITS, sink: { bucket: 'bucket', prefix: 'seed' } },
    { directory: new InMemoryTenantDirectory(new Map(companies.map((company) => [company.companyID, company]))), scorer, ...seedSinks, clock },
  );
  const clearSinks = () => {
    ours.objects.objects.clear();
    ours.stream.records.length = 0;
    seedSinks.objects.objects.clear();
    seedSinks.stream.records.length = 0;
  };
  const runOurs = async (events: number) => {
    const batches = workload.batches(events);
    return measure(events, async () => (await processLanes(ours.processor, workload.streamName, batches, 1)).enriched);
  };
  const runSeed = async (events: number) => {
    const records = workload.batches(events).flatMap((batch) => batch.records);
    return measure(events, async () => (await seed.run(records)).enriched);
  };

  context.log(`scenario 1: warm-up with ${formatInteger(options.warmupEvents)} events per design`);
  await runOurs(options.warmupEvents);
  await runSeed(options.warmupEvents);
  clearSinks();

  const oursRounds: Measurement[] = [];
  const seedRounds: Measurement[] = [];
  /** Event ids the lanes' dedupe windows held when each round started (a duplicate check is one lookup whatever their number). */
  const rememberedIds: number[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    rememberedIds.push(rememberedEventIds(ours.laneStore));
    oursRounds.push(await runOurs(options.eventsPerRound));
    seedRounds.push(await runSeed(options.eventsPerRound));
    clearSinks();
    context.log(
      `scenario 1: round ${round}/${options.rounds}: ours ${formatInteger(oursRounds.at(-1)?.events ?? 0)} events in ${formatInteger(oursRounds.at(-1)?.wallMs)} ms (the lanes remembered ${formatInteger(rememberedIds.at(-1))} event ids), seed in ${formatInteger(seedRounds.at(-1)?.wallMs)} ms`,
    );
  }

  const lambda = await measureThroughLambdaHandler(options, context, { ours, workload, runOurs, clearSinks });

  const profiles: Record<string, ProfileReport> = {};
  if (context.profileDir !== undefined) {
    const oursBatches = workload.batches(options.eventsPerRound);
    profiles['ours'] = await profileRun(context.profileDir, 'scenario-1-ours', () => processLanes(ours.processor, workload.streamName, oursBatches, 1));
    const seedRecords = workload.batches(options.eventsPerRound).flatMap((batch) => batch.records);
    profiles['seed'] = await profileRun(context.profileDir, 'scenario-1-seed', () => seed.run(seedRecords));
    clearSinks();
  }

  const oursFigures = designFigures(oursRounds);
  const seedFigures = designFigures(seedRounds);
  const speedup = ratio(oursFigures.eventsPerSecond.median, seedFigures.eventsPerSecond.median);
  const row = (name: string, figures: DesignFigures, versusSeed: number | undefined) => [
    name,
    formatInteger(figures.eventsPerSecond.median),
    `${formatInteger(figures.eventsPerSecond.min)}–${formatInteger(figures.eventsPerSecond.max)}`,
    formatDecimal(figures.microsPerEvent.median, 2),
    formatDecimal(figures.mainThreadMicrosPerEvent.median, 2),
    formatDecimal(figures.cpuMicrosPerEvent.median, 2),
    formatInteger(1e6 / figures.mainThreadMicrosPerEvent.median),
    formatRatio(versusSeed),
    formatPercent(figures.outputs / figures.events),
  ];
  const perRound = oursRounds.map((round, index) => `${formatInteger(ratePerSecond(round.events, round.wallMs))}/s at ${formatDecimal(rememberedIds[index], 0)} ids`);
  const topHotSpots = profiles['ours']?.functions.slice(0, 5).map((spot) => `${spot.name} ${formatPercent(spot.share)}`) ?? [];
  return {
    id: '1',
    title: 'core CPU path (in-memory adapters, in-process model, one process)',
    parameters: { ...options, eventsPerRound: options.eventsPerRound, stage: 'decode→state→windows→scoring→sinks' },
    table: {
      columns: [
        { title: 'design' },
        { title: 'events/s (median)', align: 'right' },
        { title: 'range', align: 'right' },
        { title: 'µs/event', align: 'right' },
        { title: 'JS thread µs/event', align: 'right' },
        { title: 'CPU µs/event', align: 'right' },
        { title: 'one-core bound', align: 'right' },
        { title: 'vs seed', align: 'right' },
        { title: 'enriched', align: 'right' },
      ],
      rows: [row('seed design (call per event, capacity 20)', seedFigures, 1), row(`ours (batch ${options.scoringBatchSize}, dedupe, state)`, oursFigures, speedup)],
    },
    extraTables: [{ title: `Lambda compute at the CDK's ${formatInteger(LAMBDA_DEPLOYMENT.memoryMb)} MB (${formatDecimal(lambda.handler.compute.vcpuShare, 2)} of a vCPU), from the CPU of ours through the Lambda handler`, table: lambdaComputeTable(lambda) }],
    targets: [atLeast(`ours ≥ ${formatInteger(CORE_TARGET_EVENTS_PER_SECOND)} events/s`, oursFigures.eventsPerSecond.median, CORE_TARGET_EVENTS_PER_SECOND, (value) => `${formatInteger(value)} events/s`)],
    notes: [
      "The target is judged on wall-clock events/s. 'JS thread µs/event' is the CPU of the thread that runs JavaScript (it saturates first; 'one-core bound' = 10⁶ / it); 'CPU µs/event' counts every thread of the process (GC helpers too).",
      `ours by round, with the event ids the lanes' dedupe windows held when the round began (the window keeps every id of the last dedupe.window.minutes; company items carry none): ${perRound.join(', ')}; the seed design keeps no state.`,
      `Lambda compute: ${formatInteger(options.rounds)} more rounds of ${formatInteger(options.eventsPerRound)} events after the rounds above, each through the processor's Lambda handler (\`createKinesisEventHandler\`, one Kinesis event per shard batch of ${formatInteger(options.recordsPerBatch)} records, base64 data, built before timing) and directly through \`BatchProcessor.process\`, the order alternating; warm: the same processor and in-memory adapters as above, as Lambda keeps a busy mapping's containers (${formatInteger(options.handlerWarmupEvents)} events through the handler first, not timed). No shard lineage (a deployed handler makes one ListShards per container) and a memory logger in place of pino. GB-s per 1,000 events = CPU s per 1,000 events (all threads) ÷ vCPU share (${formatInteger(LAMBDA_DEPLOYMENT.memoryMb)}/${formatInteger(PRICE_LIST.lambda.mbPerVcpu)}) × ${formatInteger(LAMBDA_DEPLOYMENT.memoryMb)}/1,024 GB, on this machine's CPU; a lower bound on duration, since the in-memory adapters never wait and a deployed Lambda bills its waits on DynamoDB, S3 and the churn API (scenario 4). Monthly: duration only at ${formatInteger(LAMBDA_COST_EVENTS_PER_SECOND)} events/s for ${formatInteger(PRICE_LIST.hoursPerMonth)} h at ${PRICE_LIST.region} list prices; no request charge, no free tier.`,
      ...(topHotSpots.length > 0 ? [`ours, top self time: ${topHotSpots.join('; ')} (profile: ${profiles['ours']?.file})`] : []),
    ],
    metrics: { ours: oursFigures, seed: seedFigures, speedup, rounds: { ours: oursRounds, seed: seedRounds }, rememberedIds, lambda },
    ...(Object.keys(profiles).length === 0 ? {} : { profiles }),
    load: { before: loadBefore, after: readLoadAverage() },
    durationMs: performance.now() - started,
  };
}

/** One path of the Lambda compute measurement: its rounds, their summary and what they cost on the CDK's Lambda. */
export interface LambdaPathFigures {
  readonly rounds: readonly Measurement[];
  readonly figures: DesignFigures;
  readonly compute: LambdaComputeOfCpu;
}

/** Our design through the Lambda handler beside the same design called directly, priced as Lambda duration. */
export interface LambdaComputeFigures {
  readonly memoryMb: number;
  readonly architecture: string;
  readonly direct: LambdaPathFigures;
  readonly handler: LambdaPathFigures;
  /** The handler's CPU per event over the direct call's (medians). */
  readonly handlerOverDirect: number | undefined;
}

/**
 * Rounds of our design through the processor's Lambda handler, each paired with a round called
 * directly (the order alternating, so both see the same load and the same growing dedupe
 * windows). The Kinesis events are built before the clock starts; the design stays warm.
 *
 * @throws Error when the handler reports records for retry: the in-memory adapters never fail, so
 *   the figures would not be of the normal path
 */
async function measureThroughLambdaHandler(
  options: CoreCpuOptions,
  context: ScenarioContext,
  run: {
    readonly ours: OurDesign;
    readonly workload: JobWorkload;
    readonly runOurs: (events: number) => Promise<Measurement>;
    readonly clearSinks: () => void;
  },
): Promise<LambdaComputeFigures> {
  const { ours, workload } = run;
  const handler = createKinesisEventHandler(ours.processor, new MemoryLogger());
  const runHandler = async (events: number): Promise<Measurement> => {
    const kinesisEvents = workload.batches(events).map((batch) => toKinesisEvent(batch, BENCH_EVENT_SOURCE));
    const outputsBefore = ours.stream.records.length;
    let failures = 0;
    const measured = await measure(events, async () => {
      failures = await invokeInOrder(handler, kinesisEvents);
      return ours.stream.records.length - outputsBefore;
    });
    if (failures > 0) throw new Error(`the Lambda handler reported ${failures} records for retry over in-memory adapters`);
    return measured;
  };

  context.log(`scenario 1: Lambda handler: warm-up with ${formatInteger(options.handlerWarmupEvents)} events`);
  await runHandler(options.handlerWarmupEvents);
  run.clearSinks();
  const directRounds: Measurement[] = [];
  const handlerRounds: Measurement[] = [];
  const cpuPerEvent = (measurement: Measurement | undefined) => formatDecimal(measurement === undefined ? undefined : (measurement.cpuMs * 1_000) / measurement.events, 2);
  for (let round = 1; round <= options.rounds; round++) {
    if (round % 2 === 1) {
      handlerRounds.push(await runHandler(options.eventsPerRound));
      directRounds.push(await run.runOurs(options.eventsPerRound));
    } else {
      directRounds.push(await run.runOurs(options.eventsPerRound));
      handlerRounds.push(await runHandler(options.eventsPerRound));
    }
    run.clearSinks();
    context.log(`scenario 1: Lambda round ${round}/${options.rounds}: CPU µs/event through the handler ${cpuPerEvent(handlerRounds.at(-1))}, direct ${cpuPerEvent(directRounds.at(-1))}`);
  }
  const pathOf = (rounds: readonly Measurement[]): LambdaPathFigures => {
    const figures = designFigures(rounds);
    const compute = lambdaComputeOfCpu(figures.cpuMicrosPerEvent.median, { memoryMb: LAMBDA_DEPLOYMENT.memoryMb, eventsPerSecond: LAMBDA_COST_EVENTS_PER_SECOND }, PRICE_LIST);
    return { rounds, figures, compute };
  };
  const direct = pathOf(directRounds);
  const throughHandler = pathOf(handlerRounds);
  return {
    memoryMb: LAMBDA_DEPLOYMENT.memoryMb,
    architecture: LAMBDA_DEPLOYMENT.architecture,
    direct,
    handler: throughHandler,
    handlerOverDirect: ratio(throughHandler.figures.cpuMicrosPerEvent.median, direct.figures.cpuMicrosPerEvent.median),
  };
}

/** The Lambda compute table: CPU per event of each path and what it comes to at the CDK's memory. */
function lambdaComputeTable(lambda: LambdaComputeFigures): Table {
  const row = (name: string, path: LambdaPathFigures, versusDirect: number | undefined) => [
    name,
    formatDecimal(path.figures.cpuMicrosPerEvent.median, 2),
    `${formatDecimal(path.figures.cpuMicrosPerEvent.min, 2)}–${formatDecimal(path.figures.cpuMicrosPerEvent.max, 2)}`,
    formatDecimal(path.figures.mainThreadMicrosPerEvent.median, 2),
    formatRatio(versusDirect),
    formatDecimal(path.compute.gbSecondsPerThousandEvents, 4),
    usd(path.compute.monthly.arm64.usd),
    usd(path.compute.monthly.x86_64.usd),
    formatPercent(path.figures.outputs / path.figures.events),
  ];
  const perMonth = `(${formatInteger(LAMBDA_COST_EVENTS_PER_SECOND)}/s)`;
  return {
    columns: [
      { title: 'ours, called' },
      { title: 'CPU µs/event', align: 'right' },
      { title: 'range', align: 'right' },
      { title: 'JS thread µs/event', align: 'right' },
      { title: 'vs direct', align: 'right' },
      { title: `GB-s per 1,000 events (${formatInteger(lambda.memoryMb)} MB)`, align: 'right' },
      { title: `arm64 $/month ${perMonth}`, align: 'right' },
      { title: `x86_64 $/month ${perMonth}`, align: 'right' },
      { title: 'enriched', align: 'right' },
    ],
    rows: [
      row('directly (BatchProcessor.process, paired rounds)', lambda.direct, 1),
      row('through the Lambda handler (Kinesis events)', lambda.handler, lambda.handlerOverDirect),
    ],
  };
}
