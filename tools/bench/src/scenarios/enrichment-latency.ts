import { createSignedFetch, DEFAULT_DATASET, DEFAULT_JOB_EVENT_LIMITS, generateCompanies } from '@tenant-analytics/domain';
import { LOCAL_CREDENTIALS, DEFAULT_REGION } from '@tenant-analytics/local-stack';
import { ChurnApiScorer, InMemoryObjectSink, InMemoryStreamSink, InMemoryTenantDirectory, METRIC, type Clock } from '@tenant-analytics/processor';
import { atLeast, boundAttainment, littlesLawBound } from '../bounds';
import { CapacityGatedScorer } from '../capacity-gate';
import { startChurnMock, type ChurnMockProcess } from '../churn-mock-process';
import { readLoadAverage } from '../machine';
import { measure, profileRun, type Measurement, type ProfileReport } from '../measure';
import { buildOurDesign, processLanes } from '../our-design';
import type { ScenarioResult } from '../results';
import { SeedDesignPipeline } from '../seed-design';
import { ratePerSecond, ratio, summarize } from '../statistics';
import { formatDecimal, formatInteger, formatPercent, formatRatio } from '../table';
import { JobWorkload } from '../workload';
import type { ScenarioContext } from './scenario-context';

/** Sizes and settings of scenario 2. */
export interface EnrichmentOptions {
  /** Median latency the churn mock adds to every call. */
  readonly latencyMs: number;
  readonly capacity: number;
  readonly scoringBatchSize: number;
  readonly companies: number;
  /** Shard lanes processed side by side by our design (the runtimes run one lane per shard). */
  readonly lanes: number;
  readonly recordsPerBatch: number;
  readonly seedEventsPerRound: number;
  readonly oursEventsPerRound: number;
  readonly rounds: number;
  readonly warmupEvents: number;
}

/** Full and quick sizes. */
export function enrichmentOptions(quick: boolean): EnrichmentOptions {
  return {
    latencyMs: 20,
    capacity: 20,
    scoringBatchSize: 100,
    companies: DEFAULT_DATASET.size,
    lanes: 4,
    recordsPerBatch: 1_000,
    seedEventsPerRound: quick ? 500 : 8_000,
    oursEventsPerRound: quick ? 5_000 : 40_000,
    rounds: quick ? 1 : 3,
    warmupEvents: quick ? 3_000 : 20_000,
  };
}

/** Targets of the issue for scenario 2. */
export const ENRICHMENT_TARGETS = { ratioToSeed: 10, fractionOfBound: 0.8 } as const;

const clock: Clock = { now: () => new Date() };

/** One design's rounds at one injected latency, with what its scorer saw. */
interface Phase {
  readonly rounds: Measurement[];
  calls: number;
  companies: number;
  callMs: number[];
  maxInFlight: number;
}

const newPhase = (): Phase => ({ rounds: [], calls: 0, companies: 0, callMs: [], maxInFlight: 0 });

/** Events per second over a phase's rounds (median). */
const medianRate = (phase: Phase): number => summarize(phase.rounds.map((round) => ratePerSecond(round.events, round.wallMs))).median;

/**
 * Scenario 2, enrichment at model latency: the churn mock over real HTTP with SigV4 (our signed
 * fetch and `ChurnApiScorer`), 20 ms injected per call. The seed's design makes one call per event
 * with 20 events in flight; ours runs shard lanes side by side, batching and deduping, with a
 * process-wide gate of 20 calls in flight. Each is also run with no injected latency: its CPU
 * bound on this machine (the mock runs here too). Phases alternate within each round.
 */
export async function runEnrichmentScenario(options: EnrichmentOptions, context: ScenarioContext): Promise<ScenarioResult> {
  const loadBefore = readLoadAverage();
  const started = performance.now();
  const mock = await startChurnMock();
  try {
    return await measureEnrichment(options, context, mock, loadBefore, started);
  } finally {
    await mock.stop();
  }
}

async function measureEnrichment(options: EnrichmentOptions, context: ScenarioContext, mock: ChurnMockProcess, loadBefore: ScenarioResult['load']['before'], started: number): Promise<ScenarioResult> {
  const companies = generateCompanies(DEFAULT_DATASET.seed, options.companies);
  const signedFetch = createSignedFetch({ service: 'execute-api', region: DEFAULT_REGION, timeoutMs: 10_000, credentials: async () => ({ ...LOCAL_CREDENTIALS }) });
  const endpoint = `${mock.url}/prod/assessChurn`;
  const ourScorer = new CapacityGatedScorer(new ChurnApiScorer({ mode: 'apigateway', endpoint, maxBatchSize: options.scoringBatchSize }, signedFetch), options.capacity);
  const seedScorer = new CapacityGatedScorer(new ChurnApiScorer({ mode: 'apigateway', endpoint, maxBatchSize: 1 }, signedFetch), options.capacity);
  // Our design's cost grows with its state (event ids remembered per company): the run at latency
  // and the run without get a design each, fed the same events, so that both see the same state.
  const buildOurs = () => ({
    design: buildOurDesign({ companies, scorer: ourScorer, settings: { scoringBatchSize: options.scoringBatchSize, capacity: options.capacity }, clock }),
    workload: new JobWorkload({ companies: options.companies, shards: options.lanes, recordsPerBatch: options.recordsPerBatch, seed: 11 }),
  });
  const oursAtLatency = buildOurs();
  const oursNoLatency = buildOurs();
  const seedSinks = { objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
  const seed = new SeedDesignPipeline(
    { capacity: options.capacity, limits: DEFAULT_JOB_EVENT_LIMITS, sink: { bucket: 'bucket', prefix: 'seed' } },
    { directory: new InMemoryTenantDirectory(new Map(companies.map((company) => [company.companyID, company]))), scorer: seedScorer, ...seedSinks, clock },
  );
  const seedWorkload = new JobWorkload({ companies: options.companies, shards: options.lanes, recordsPerBatch: options.recordsPerBatch, seed: 12 });
  const clearSinks = () => {
    for (const { design } of [oursAtLatency, oursNoLatency]) {
      design.objects.objects.clear();
      design.stream.records.length = 0;
    }
    seedSinks.objects.objects.clear();
    seedSinks.stream.records.length = 0;
  };

  /** Runs one design once and adds the round and its scorer's figures to `phase`. */
  const runPhase = async (phase: Phase, scorer: CapacityGatedScorer, task: () => Promise<{ events: number; run: () => Promise<number> }>) => {
    const { events, run } = await task();
    const before = { calls: scorer.calls, companies: scorer.companies, totalCallMs: scorer.totalCallMs };
    scorer.maxInFlight = 0;
    phase.rounds.push(await measure(events, run));
    const calls = scorer.calls - before.calls;
    phase.calls += calls;
    phase.companies += scorer.companies - before.companies;
    phase.callMs.push(calls === 0 ? 0 : (scorer.totalCallMs - before.totalCallMs) / calls);
    phase.maxInFlight = Math.max(phase.maxInFlight, scorer.maxInFlight);
    clearSinks();
  };
  const runOurs = (phase: Phase, ours: ReturnType<typeof buildOurs>, events: number) =>
    runPhase(phase, ourScorer, async () => {
      const batches = ours.workload.batches(events);
      return { events, run: async () => (await processLanes(ours.design.processor, ours.workload.streamName, batches, options.lanes)).enriched };
    });
  const runSeed = (phase: Phase, events: number) =>
    runPhase(phase, seedScorer, async () => {
      const records = seedWorkload.batches(events).flatMap((batch) => batch.records);
      return { events, run: async () => (await seed.run(records)).enriched };
    });

  context.log(`scenario 2: churn mock at ${mock.url}; warm-up with ${formatInteger(options.warmupEvents)} events`);
  await mock.setFaults({});
  await runOurs(newPhase(), oursAtLatency, options.warmupEvents);
  await runOurs(newPhase(), oursNoLatency, options.warmupEvents);
  await runSeed(newPhase(), Math.min(options.warmupEvents, options.seedEventsPerRound));

  const phases = { seedAtLatency: newPhase(), oursAtLatency: newPhase(), oursCpu: newPhase(), seedCpu: newPhase() };
  for (let round = 1; round <= options.rounds; round++) {
    await mock.setFaults({ latencyMs: options.latencyMs });
    await runSeed(phases.seedAtLatency, options.seedEventsPerRound);
    await runOurs(phases.oursAtLatency, oursAtLatency, options.oursEventsPerRound);
    await mock.setFaults({});
    await runOurs(phases.oursCpu, oursNoLatency, options.oursEventsPerRound);
    await runSeed(phases.seedCpu, options.seedEventsPerRound);
    context.log(
      `scenario 2: round ${round}/${options.rounds}: at ${options.latencyMs} ms seed ${formatInteger(medianRate(phases.seedAtLatency))}/s, ours ${formatInteger(medianRate(phases.oursAtLatency))}/s; no latency ours ${formatInteger(medianRate(phases.oursCpu))}/s`,
    );
  }

  const profiles: Record<string, ProfileReport> = {};
  if (context.profileDir !== undefined) {
    await mock.setFaults({ latencyMs: options.latencyMs });
    const batches = oursAtLatency.workload.batches(options.oursEventsPerRound);
    profiles['ours'] = await profileRun(context.profileDir, 'scenario-2-ours', () => processLanes(oursAtLatency.design.processor, oursAtLatency.workload.streamName, batches, options.lanes));
    clearSinks();
  }

  const seedBound = littlesLawBound({ capacity: options.capacity, batchSize: 1, latencyMs: options.latencyMs });
  const ourLittle = littlesLawBound({ capacity: options.capacity, batchSize: options.scoringBatchSize, latencyMs: options.latencyMs });
  const seedRate = medianRate(phases.seedAtLatency);
  const ourRate = medianRate(phases.oursAtLatency);
  const ours20 = boundAttainment(ourRate, ourLittle, medianRate(phases.oursCpu));
  const seed20 = boundAttainment(seedRate, seedBound, medianRate(phases.seedCpu));
  const speedup = ratio(ourRate, seedRate);
  const dedupedCompanies = oursAtLatency.design.metrics.counter(METRIC.scoringDedupedCompanies);

  const row = (name: string, latency: string, phase: Phase, attainment: ReturnType<typeof boundAttainment> | undefined, versusSeed: number | undefined) => [
    name,
    latency,
    formatInteger(medianRate(phase)),
    formatDecimal(phase.calls === 0 ? undefined : phase.companies / phase.calls, 1),
    formatDecimal(summarize(phase.callMs).median, 1),
    String(phase.maxInFlight),
    attainment === undefined ? '' : formatInteger(attainment.littlesLaw),
    attainment === undefined ? '' : formatInteger(attainment.cpu),
    attainment === undefined ? '' : `${formatPercent(attainment.fraction)} of ${attainment.limitedBy}`,
    formatRatio(versusSeed),
  ];
  return {
    id: '2',
    title: `enrichment at model latency (churn mock over HTTP + SigV4, ${options.latencyMs} ms per call)`,
    parameters: { ...options },
    table: {
      columns: [
        { title: 'design' },
        { title: 'latency', align: 'right' },
        { title: 'events/s', align: 'right' },
        { title: 'companies/call', align: 'right' },
        { title: 'call ms', align: 'right' },
        { title: 'max in flight', align: 'right' },
        { title: "Little's bound", align: 'right' },
        { title: 'CPU bound', align: 'right' },
        { title: 'attained', align: 'right' },
        { title: 'vs seed', align: 'right' },
      ],
      rows: [
        row('seed design (call per event)', `${options.latencyMs} ms`, phases.seedAtLatency, seed20, 1),
        row(`ours (batch ${options.scoringBatchSize}, ${options.lanes} lanes)`, `${options.latencyMs} ms`, phases.oursAtLatency, ours20, speedup),
        row('seed design, no latency (its CPU bound)', '0', phases.seedCpu, undefined, undefined),
        row('ours, no latency (our CPU bound)', '0', phases.oursCpu, undefined, ratio(medianRate(phases.oursCpu), medianRate(phases.seedCpu))),
      ],
    },
    targets: [
      atLeast(`ours ≥ ${ENRICHMENT_TARGETS.ratioToSeed}× the seed design at ${options.latencyMs} ms`, speedup, ENRICHMENT_TARGETS.ratioToSeed, formatRatio),
      atLeast(
        `ours ≥ ${formatPercent(ENRICHMENT_TARGETS.fractionOfBound)} of min(Little's bound, CPU bound)`,
        ours20.fraction,
        ENRICHMENT_TARGETS.fractionOfBound,
        (fraction) => `${formatPercent(fraction)} of ${formatInteger(ours20.bound)} (${ours20.limitedBy})`,
      ),
    ],
    notes: [
      `Little's bound = capacity × companies per call / latency, with the configured batch size (${options.scoringBatchSize}) and the injected latency; actual calls carried ${formatDecimal(phases.oursAtLatency.companies / Math.max(1, phases.oursAtLatency.calls), 1)} companies (a lane's batch splits into calls per ${options.recordsPerBatch} records, after dedupe: ${formatInteger(dedupedCompanies)} companies deduped in all).`,
      'CPU bound = the same design with no injected latency, on this machine, churn mock included (it shares the CPUs); run on a second instance of our design fed the same events, so both carry the same state.',
      ...(profiles['ours'] === undefined ? [] : [`ours at ${options.latencyMs} ms, top self time: ${profiles['ours'].functions.slice(0, 5).map((spot) => `${spot.name} ${formatPercent(spot.share)}`).join('; ')}`]),
    ],
    metrics: { phases, seedBound, ourLittle, ours: ours20, seed: seed20, speedup, dedupedCompanies },
    ...(Object.keys(profiles).length === 0 ? {} : { profiles }),
    load: { before: loadBefore, after: readLoadAverage() },
    durationMs: performance.now() - started,
  };
}
