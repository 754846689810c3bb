import { DEFAULT_DATASET, DEFAULT_JOB_EVENT_LIMITS, generateCompanies } from '@tenant-analytics/domain';
import type { Clock } from '@tenant-analytics/processor';
import { InMemoryObjectSink, InMemoryStreamSink, InMemoryTenantDirectory } from '@tenant-analytics/processor/testing';
import { atLeast } from '../bounds';
import { readLoadAverage } from '../machine';
import { profileRun, type ProfileReport } from '../diagnostics/cpu-profile';
import { designFigures, measure, type DesignFigures, type Measurement } from '../measure';
import { ModelChurnScorer } from '../model-scorer';
import { buildOurDesign, processLanes, rememberedEventIds } from '../our-design';
import type { ScenarioResult } from '../results';
import { SeedDesignPipeline } from '../seed-design';
import { ratePerSecond, ratio } from '../statistics';
import { formatDecimal, formatInteger, formatPercent, formatRatio } from '../table';
import { JobWorkload } from '../workload';
import type { ScenarioContext } from './scenario-context';

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
  };
}

/** The target of the issue for our core path, one core. */
export const CORE_TARGET_EVENTS_PER_SECOND = 100_000;

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
    targets: [atLeast(`ours ≥ ${formatInteger(CORE_TARGET_EVENTS_PER_SECOND)} events/s`, oursFigures.eventsPerSecond.median, CORE_TARGET_EVENTS_PER_SECOND, (value) => `${formatInteger(value)} events/s`)],
    notes: [
      "The target is judged on wall-clock events/s. 'JS thread µs/event' is the CPU of the thread that runs JavaScript (it saturates first; 'one-core bound' = 10⁶ / it); 'CPU µs/event' counts every thread of the process (GC helpers too).",
      `ours by round, with the event ids the lanes' dedupe windows held when the round began (the window keeps every id of the last dedupe.window.minutes; company items carry none): ${perRound.join(', ')}; the seed design keeps no state.`,
      ...(topHotSpots.length > 0 ? [`ours, top self time: ${topHotSpots.join('; ')} (profile: ${profiles['ours']?.file})`] : []),
    ],
    metrics: { ours: oursFigures, seed: seedFigures, speedup, rounds: { ours: oursRounds, seed: seedRounds }, rememberedIds },
    ...(Object.keys(profiles).length === 0 ? {} : { profiles }),
    load: { before: loadBefore, after: readLoadAverage() },
    durationMs: performance.now() - started,
  };
}
