import { createSignedFetch, DEFAULT_DATASET, DEFAULT_JOB_EVENT_LIMITS, generateCompanies } from '@tenant-analytics/domain';
import { LOCAL_CREDENTIALS, DEFAULT_REGION } from '@tenant-analytics/local-stack';
import { ChurnApiScorer, METRIC, type Clock } from '@tenant-analytics/processor';
import { InMemoryObjectSink, InMemoryStreamSink, InMemoryTenantDirectory } from '@tenant-analytics/processor/testing';
import { atLeast, boundAttainment, cpuBound, littlesLawBound, type BoundAttainment } from '../bounds';
import { CapacityGatedScorer } from '../capacity-gate';
import { startChurnMock, type ChurnMockProcess } from '../churn-mock-process';
import { readLoadAverage, readMachineInfo } from '../machine';
import { profileRun, type ProfileReport } from '../diagnostics/cpu-profile';
import { designFigures, measure, type DesignFigures, type Measurement } from '../measure';
import { buildOurDesign, processLanes } from '../our-design';
import { readProcessTreesCpuMs } from '../process-cpu';
import type { ScenarioResult } from '../results';
import { SeedDesignPipeline } from '../seed-design';
import { serverCpuFigures, type ServerCpuFigures, type ServerCpuRound } from '../server-cpu';
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
    seedEventsPerRound: quick ? 500 : 5_000,
    oursEventsPerRound: quick ? 5_000 : 40_000,
    rounds: quick ? 1 : 4,
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
  /** The churn mock's CPU in each round (none where `/proc` cannot be read). */
  readonly mockCpu: ServerCpuRound[];
}

const newPhase = (): Phase => ({ rounds: [], calls: 0, companies: 0, callMs: [], maxInFlight: 0, mockCpu: [] });

/**
 * Scenario 2, enrichment at model latency: the churn mock over real HTTP with SigV4 (our signed
 * fetch and `ChurnApiScorer`), 20 ms injected per call. The seed's design makes one call per event
 * with 20 events in flight; ours runs shard lanes side by side, batching and deduping, with a
 * process-wide gate of 20 calls in flight. Each design's CPU bound is one core's worth of its
 * measured CPU per event. The designs alternate within each round. The churn mock's process tree
 * is metered over each round too: its CPU per company scored says whether the mock, which shares
 * this machine, is what limits.
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
  const ours = {
    design: buildOurDesign({ companies, scorer: ourScorer, settings: { scoringBatchSize: options.scoringBatchSize, capacity: options.capacity }, clock }),
    workload: new JobWorkload({ companies: options.companies, shards: options.lanes, recordsPerBatch: options.recordsPerBatch, seed: 11 }),
  };
  const seedSinks = { objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
  const seed = new SeedDesignPipeline(
    { capacity: options.capacity, limits: DEFAULT_JOB_EVENT_LIMITS, sink: { bucket: 'bucket', prefix: 'seed' } },
    { directory: new InMemoryTenantDirectory(new Map(companies.map((company) => [company.companyID, company]))), scorer: seedScorer, ...seedSinks, clock },
  );
  const seedWorkload = new JobWorkload({ companies: options.companies, shards: options.lanes, recordsPerBatch: options.recordsPerBatch, seed: 12 });
  const clearSinks = () => {
    ours.design.objects.objects.clear();
    ours.design.stream.records.length = 0;
    seedSinks.objects.objects.clear();
    seedSinks.stream.records.length = 0;
  };

  /** Runs one design once and adds the round and its scorer's figures to `phase`. */
  const runPhase = async (phase: Phase, scorer: CapacityGatedScorer, task: () => Promise<{ events: number; run: () => Promise<number> }>) => {
    const { events, run } = await task();
    const before = { calls: scorer.calls, companies: scorer.companies, totalCallMs: scorer.totalCallMs };
    scorer.maxInFlight = 0;
    // Read outside the timed span: a read of /proc costs a few ms; the mock is idle between rounds.
    const mockBefore = readProcessTreesCpuMs({ mock: mock.pid })?.['mock'];
    const round = await measure(events, run);
    const mockAfter = readProcessTreesCpuMs({ mock: mock.pid })?.['mock'];
    phase.rounds.push(round);
    const calls = scorer.calls - before.calls;
    const sentCompanies = scorer.companies - before.companies;
    phase.calls += calls;
    phase.companies += sentCompanies;
    if (mockBefore !== undefined && mockAfter !== undefined) phase.mockCpu.push({ cpuMs: mockAfter - mockBefore, wallMs: round.wallMs, calls, companies: sentCompanies });
    phase.callMs.push(calls === 0 ? 0 : (scorer.totalCallMs - before.totalCallMs) / calls);
    phase.maxInFlight = Math.max(phase.maxInFlight, scorer.maxInFlight);
    clearSinks();
  };
  const runOurs = (phase: Phase, events: number) =>
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
  await mock.setFaults({ latencyMs: options.latencyMs });
  await runOurs(newPhase(), options.warmupEvents);
  await runSeed(newPhase(), Math.min(1_000, options.seedEventsPerRound));

  const phases = { seed: newPhase(), ours: newPhase() };
  for (let round = 1; round <= options.rounds; round++) {
    await runSeed(phases.seed, options.seedEventsPerRound);
    await runOurs(phases.ours, options.oursEventsPerRound);
    const last = (phase: Phase) => phase.rounds.at(-1);
    context.log(
      `scenario 2: round ${round}/${options.rounds}: seed ${formatInteger(ratePerSecond(last(phases.seed)?.events ?? 0, last(phases.seed)?.wallMs ?? 0))}/s, ours ${formatInteger(ratePerSecond(last(phases.ours)?.events ?? 0, last(phases.ours)?.wallMs ?? 0))}/s`,
    );
  }

  const profiles: Record<string, ProfileReport> = {};
  if (context.profileDir !== undefined) {
    const batches = ours.workload.batches(options.oursEventsPerRound);
    profiles['ours'] = await profileRun(context.profileDir, 'scenario-2-ours', () => processLanes(ours.design.processor, ours.workload.streamName, batches, options.lanes));
    clearSinks();
  }

  const seedFigures = designFigures(phases.seed.rounds);
  const ourFigures = designFigures(phases.ours.rounds);
  const seedAttainment = boundAttainment(
    seedFigures.eventsPerSecond.median,
    littlesLawBound({ capacity: options.capacity, batchSize: 1, latencyMs: options.latencyMs }),
    cpuBound(seedFigures.mainThreadMicrosPerEvent.median),
  );
  const ourAttainment = boundAttainment(
    ourFigures.eventsPerSecond.median,
    littlesLawBound({ capacity: options.capacity, batchSize: options.scoringBatchSize, latencyMs: options.latencyMs }),
    cpuBound(ourFigures.mainThreadMicrosPerEvent.median),
  );
  const speedup = ratio(ourFigures.eventsPerSecond.median, seedFigures.eventsPerSecond.median);
  const dedupedCompanies = ours.design.metrics.counter(METRIC.scoringDedupedCompanies);
  const companiesPerCall = phases.ours.companies / Math.max(1, phases.ours.calls);
  const callMs = summarize(phases.ours.callMs).median;
  const coresUsed = (phase: Phase) => summarize(phase.rounds.map((round) => round.cpuMs / Math.max(1, round.wallMs))).median;
  const mockCpu = { seed: serverCpuFigures(phases.seed.mockCpu), ours: serverCpuFigures(phases.ours.mockCpu) };
  const machineCores = readMachineInfo().cores;
  const mockNote = (name: string, phase: Phase, figures: ServerCpuFigures | undefined) =>
    figures === undefined
      ? `${name}: n/a`
      : `${name} ${formatDecimal(figures.cpuMsPerRound, 0)} ms per round, ${formatDecimal(figures.microsPerCall, 1)} µs per call, ${formatDecimal(figures.coresUsed, 2)} cores against ${formatDecimal(machineCores - coresUsed(phase), 2)} spare (the processor used ${formatDecimal(coresUsed(phase), 2)}); one core of the mock scores at most ${formatInteger(figures.companiesPerCoreSecond)} companies/s at this cost`;

  const row = (name: string, phase: Phase, figures: DesignFigures, attainment: BoundAttainment, versusSeed: number | undefined, mockFigures: ServerCpuFigures | undefined) => [
    name,
    formatInteger(figures.eventsPerSecond.median),
    formatDecimal(figures.mainThreadMicrosPerEvent.median, 1),
    formatDecimal(figures.cpuMicrosPerEvent.median, 1),
    formatDecimal(coresUsed(phase), 2),
    formatDecimal(phase.calls === 0 ? undefined : phase.companies / phase.calls, 1),
    formatDecimal(summarize(phase.callMs).median, 1),
    String(phase.maxInFlight),
    formatDecimal(mockFigures?.microsPerCompany, 1),
    formatDecimal(mockFigures?.coresUsed, 2),
    formatInteger(attainment.littlesLaw),
    formatInteger(attainment.cpu),
    `${formatPercent(attainment.fraction)} of ${attainment.limitedBy}`,
    formatRatio(versusSeed),
  ];
  return {
    id: '2',
    title: `enrichment at model latency (churn mock over HTTP + SigV4, ${options.latencyMs} ms per call)`,
    parameters: { ...options },
    table: {
      columns: [
        { title: 'design' },
        { title: 'events/s', align: 'right' },
        { title: 'JS thread µs/event', align: 'right' },
        { title: 'CPU µs/event', align: 'right' },
        { title: 'cores used', align: 'right' },
        { title: 'companies/call', align: 'right' },
        { title: 'call ms', align: 'right' },
        { title: 'max in flight', align: 'right' },
        { title: 'mock µs/company', align: 'right' },
        { title: 'mock cores', align: 'right' },
        { title: "Little's bound", align: 'right' },
        { title: 'CPU bound (1 core)', align: 'right' },
        { title: 'attained', align: 'right' },
        { title: 'vs seed', align: 'right' },
      ],
      rows: [
        row('seed design (call per event)', phases.seed, seedFigures, seedAttainment, 1, mockCpu.seed),
        row(`ours (batch ${options.scoringBatchSize}, ${options.lanes} lanes)`, phases.ours, ourFigures, ourAttainment, speedup, mockCpu.ours),
      ],
    },
    targets: [
      atLeast(`ours ≥ ${ENRICHMENT_TARGETS.ratioToSeed}× the seed design at ${options.latencyMs} ms`, speedup, ENRICHMENT_TARGETS.ratioToSeed, formatRatio),
      atLeast(
        `ours ≥ ${formatPercent(ENRICHMENT_TARGETS.fractionOfBound)} of min(Little's bound, CPU bound)`,
        ourAttainment.fraction,
        ENRICHMENT_TARGETS.fractionOfBound,
        (fraction) => `${formatPercent(fraction)} of ${formatInteger(ourAttainment.bound)} (${ourAttainment.limitedBy})`,
      ),
    ],
    notes: [
      `Little's bound = capacity × companies per call / latency, with the configured batch size (${options.scoringBatchSize}) and the injected latency; actual calls carried ${formatDecimal(companiesPerCall, 1)} companies (${formatInteger(dedupedCompanies)} companies deduped in all) and took ${formatDecimal(callMs, 1)} ms (the mock shares this machine), which puts Little's bound with the measured call time at ${formatInteger(littlesLawBound({ capacity: options.capacity, batchSize: Math.max(1, companiesPerCall), latencyMs: Math.max(1, callMs) }))} events/s.`,
      "CPU bound = one core / the JavaScript thread's CPU µs per event (measured in the same rounds; that thread saturates first, while GC helpers run beside it: 'CPU µs/event' and 'cores used' count every thread of the process). The churn mock is another process, as the model endpoint is another machine in production.",
      `'mock µs/company' and 'mock cores' = the churn mock's process tree's CPU (user + system, /proc) over the same rounds, per company the scorer sent and per second of the round. The mock shares this machine's ${machineCores} cores: when its cores approach the spare ones (the machine's minus the processor's 'cores used'; other work on the machine, see the load average, takes from them too), the mock, not the processor, limits. Mock CPU: ${mockNote('seed', phases.seed, mockCpu.seed)}; ${mockNote('ours', phases.ours, mockCpu.ours)}.`,
      ...(profiles['ours'] === undefined ? [] : [`ours at ${options.latencyMs} ms, top self time: ${profiles['ours'].functions.slice(0, 5).map((spot) => `${spot.name} ${formatPercent(spot.share)}`).join('; ')}`]),
    ],
    metrics: { phases, seed: { figures: seedFigures, attainment: seedAttainment }, ours: { figures: ourFigures, attainment: ourAttainment }, speedup, dedupedCompanies, mockCpu, machineCores },
    ...(Object.keys(profiles).length === 0 ? {} : { profiles }),
    load: { before: loadBefore, after: readLoadAverage() },
    durationMs: performance.now() - started,
  };
}
