import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { loadPipelineConfig } from '@tenant-analytics/domain';
import { startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { createAwsClients, createBatchProcessor, InMemoryMetrics, KinesisShardReader, localPropertyGroups, ShardLanesRunner } from '@tenant-analytics/processor';
import { BillingMeter, totalsBetween, type BillingTotals } from '../billing/billing-meter';
import { LAMBDA_DEPLOYMENT } from '../cost/lambda-deployment';
import { flinkMonthlyCost, ourMonthlyCost } from '../cost/monthly-cost';
import { PRICE_LIST } from '../cost/price-list';
import { BatchingWindowSource, type BatchingWindow } from '../e2e/batching-window-source';
import { emptyBatchStats, instrumentedProcessor, waitUntilIdle, type BatchStats } from '../e2e/instrumented-processor';
import { LoadDriver } from '../e2e/load-driver';
import type { DriverStepResult } from '../e2e/load-driver-protocol';
import type { DrainSettings } from '../e2e/step-runner';
import { WarningsLogger } from '../e2e/warnings-logger';
import { readLoadAverage } from '../machine';
import type { ScenarioResult } from '../results';
import { formatDecimal, formatInteger, type Table } from '../table';
import type { TenantMix } from '../tenant-mix';
import {
  deploymentShape,
  latencyOf,
  monthlyCostTable,
  perEvent,
  perEventUsage,
  priceTable,
  runName,
  s3RequestsPerEvent,
  stateCostTargets,
  type CostRunMeasurement,
  type CostRunSpec,
  type TrendPoint,
} from './state-cost-report';
import type { ScenarioContext } from './scenario-context';

/** Sizes and settings of scenario 4. */
export interface StateCostOptions {
  readonly companies: number;
  readonly eventsPerSecond: number;
  /** Length of the measured step. */
  readonly durationSeconds: number;
  /** A step at the same rate before it, not measured: JIT, connections, the first tenant lookups. */
  readonly warmupSeconds: number;
  readonly shards: { readonly jobs: number; readonly companies: number; readonly enriched: number };
  /** The event source mapping's batching, emulated in front of the runner. */
  readonly window: BatchingWindow;
  /** Latency the churn mock adds to every call. */
  readonly modelLatencyMs: number;
  /** Length of the weighted company list the producer draws from. */
  readonly slots: number;
  /** Seconds between samples of the units spent (the trend over the run). */
  readonly trendIntervalSeconds: number;
  readonly runs: readonly CostRunSpec[];
}

const ZIPF: TenantMix = { kind: 'zipf', exponent: 1.1 };

/** Full and quick sizes (`durationSeconds` overrides the measured step's length). */
export function stateCostOptions(quick: boolean, durationSeconds?: number): StateCostOptions {
  return {
    companies: 10_000,
    eventsPerSecond: 1_000,
    durationSeconds: durationSeconds ?? (quick ? 15 : 60),
    warmupSeconds: quick ? 5 : 15,
    shards: { jobs: 4, companies: 4, enriched: 4 },
    window: { maxBatchSize: LAMBDA_DEPLOYMENT.batchSize, windowMs: LAMBDA_DEPLOYMENT.batchingWindowMs, pollMs: 250 },
    modelLatencyMs: 20,
    slots: 1_000_000,
    trendIntervalSeconds: 5,
    runs: [
      { mix: ZIPF, freshPerBatch: false },
      { mix: ZIPF, freshPerBatch: true },
      { mix: { kind: 'uniform' }, freshPerBatch: false },
    ],
  };
}

function slug(spec: CostRunSpec): string {
  return `${spec.mix.kind}${spec.freshPerBatch ? '-fresh' : ''}`;
}

async function measureRun(spec: CostRunSpec, options: StateCostOptions, context: ScenarioContext): Promise<CostRunMeasurement> {
  const log = (line: string) => context.log(`scenario 4 [${runName(spec)}] ${line}`);
  log('starting the local stack (kinesalite, s3rver, dynalite, churn mock, tenant manager)');
  const stack: LocalStack = await startLocalStack({
    kinesisBackend: 'kinesalite',
    ports: { kinesis: 0, s3: 0, dynamodb: 0, tenantManager: 0, churnApi: 0 },
    shards: options.shards,
    services: { churnApi: { args: ['--latency-ms', String(options.modelLatencyMs), '--log-level', 'warn'] }, tenantManager: { args: ['--log-level', 'warn'] } },
    endpointsFile: false,
  });
  try {
    const { endpoints } = stack;
    const config = loadPipelineConfig({ json: localPropertyGroups(endpoints), env: { RUNNER_GETRECORDS_LIMIT: String(options.window.maxBatchSize) } });
    const credentials = async () => ({ ...endpoints.credentials });
    const clients = createAwsClients(config, credentials);
    const meter = new BillingMeter();
    meter.meterDynamoDb(clients.dynamodb);
    meter.meterS3(clients.s3);
    meter.meterKinesis(clients.kinesis);
    const logger = new WarningsLogger();
    const metrics = new InMemoryMetrics();
    const stats = emptyBatchStats();
    const processor = instrumentedProcessor(() => createBatchProcessor(config, clients, { logger, metrics, credentials }), { freshPerBatch: spec.freshPerBatch }, stats);
    const runner = new ShardLanesRunner(
      {
        streams: [
          { name: config.streams.jobs.name, initialPosition: { type: 'TRIM_HORIZON' } },
          { name: config.streams.companies.name, initialPosition: { type: 'TRIM_HORIZON' } },
        ],
        // The window source waits for records itself; the runner reads again at once.
        pollIntervalMs: 0,
        getRecordsLimit: options.window.maxBatchSize,
      },
      new BatchingWindowSource(new KinesisShardReader(clients.kinesis), options.window),
      processor,
      logger.child({ component: 'runner' }),
      metrics,
    );
    await runner.start();
    // State compaction writes company items once per interval: the measured step is closed on both
    // sides by compacting every jobs lane, so that it bills exactly the writes its own events cause
    // (the last, forced compaction coalesces less than a steady state would: conservative).
    const jobShards = (await clients.kinesis.send(new ListShardsCommand({ StreamName: config.streams.jobs.name }))).Shards ?? [];
    const closeCompaction = async () => {
      for (const shard of jobShards) {
        for (let attempt = 1; ; attempt++) {
          try {
            await processor.compactIfDue(config.streams.jobs.name, shard.ShardId ?? '', { force: true });
            break;
          } catch (error) {
            // The runner's own idle compaction of the lane may win the lane's fence: try again.
            if (attempt >= 5) throw error;
          }
        }
      }
    };
    const processes = { ...Object.fromEntries(stack.processes.map((child) => [child.component, child.pid])), processor: process.pid };
    const driver = await LoadDriver.start({ endpoints, companies: options.companies, mix: spec.mix, slots: options.slots, processes, label: slug(spec) });
    // Generous: on a loaded machine one batch of a cold uniform run (500 tenant lookups and new items) took 40 s.
    const drain: DrainSettings = { timeoutMs: 300_000, stallMs: 90_000 };
    try {
      const warmupStart = meter.snapshot();
      const warmupRecords = stats.records;
      let warmupComplete = true;
      if (options.warmupSeconds > 0) {
        log(`warm-up: ${options.eventsPerSecond}/s for ${options.warmupSeconds} s (not measured)`);
        const result = await driver.step(options.eventsPerSecond, options.warmupSeconds, drain);
        warmupComplete = result.delivered >= result.sent;
      }
      // Whole batches only: the warm-up's last batches publish their outputs before their final writes.
      await waitUntilIdle(stats, drain.timeoutMs);
      await closeCompaction();
      const before = meter.snapshot();
      const warmup = { events: stats.records - warmupRecords, billed: totalsBetween(warmupStart, before), complete: warmupComplete };
      const batchesBefore = { ...stats };
      const cpuBefore = process.cpuUsage();
      const trend: TrendPoint[] = [];
      let last = { snapshot: before, records: stats.records };
      const startedMs = performance.now();
      const sampler = setInterval(() => {
        const snapshot = meter.snapshot();
        const spent = totalsBetween(last.snapshot, snapshot).dynamodb.total;
        const records = stats.records - last.records;
        if (records > 0) {
          trend.push({ atSeconds: Math.round((performance.now() - startedMs) / 1_000), records, writeUnitsPerEvent: spent.writeUnits / records, readUnitsPerEvent: spent.readUnits / records });
        }
        last = { snapshot, records: stats.records };
      }, options.trendIntervalSeconds * 1_000);
      log(`measured: ${options.eventsPerSecond}/s for ${options.durationSeconds} s`);
      let step: DriverStepResult;
      try {
        step = await driver.step(options.eventsPerSecond, options.durationSeconds, drain);
        await waitUntilIdle(stats, drain.timeoutMs);
        await closeCompaction();
      } finally {
        clearInterval(sampler);
      }
      const cpu = process.cpuUsage(cpuBefore);
      const billed = totalsBetween(before, meter.snapshot());
      const batches: BatchStats = {
        batches: stats.batches - batchesBefore.batches,
        records: stats.records - batchesBefore.records,
        wallMs: stats.wallMs - batchesBefore.wallMs,
        processorsBuilt: stats.processorsBuilt - batchesBefore.processorsBuilt,
        inFlight: stats.inFlight,
      };
      log(`${formatInteger(batches.records)} events in ${formatInteger(batches.batches)} batches; p99 ${formatInteger(step.latency.p99)} ms`);
      return {
        spec,
        outputStream: endpoints.streams.enriched,
        events: batches.records,
        step,
        billed,
        cpuMs: (cpu.user + cpu.system) / 1_000 - billed.accountingMs,
        batches,
        trend,
        warnings: { warnings: logger.seen.warnings, errors: logger.seen.errors, first: [...logger.seen.first] },
        warmup,
      };
    } finally {
      await driver.stop();
      await runner.stop();
      clients.dynamodb.destroy();
      clients.s3.destroy();
      clients.kinesis.destroy();
    }
  } finally {
    await stack.stop();
  }
}

/** `company 3.91 WRU + 0.98 RRU, lane 0.02 WRU …` per event, by item kind, busiest first. */
function byItemKindText(billed: BillingTotals, events: number): string {
  return Object.entries(billed.dynamodb.byItemKind)
    .sort((a, b) => b[1].writeUnits + b[1].readUnits - (a[1].writeUnits + a[1].readUnits))
    .map(([kind, units]) => {
      const meanBytes = units.sizedWrites > 0 ? `, mean item written ${formatInteger(units.writtenBytes / units.sizedWrites)} B` : '';
      return `${kind.split('/').pop()} ${perEvent(units.writeUnits / events)} WRU + ${perEvent(units.readUnits / events)} RRU (${formatInteger(units.writes)} writes, ${formatInteger(units.reads)} reads${meanBytes})`;
    })
    .join('; ');
}

/**
 * Scenario 4, the cost of the state layer: the issue's workload (1,000 events/s over 10,000
 * companies, Zipf(1.1) and uniform tenant mixes, 4 shards per input stream) through the local
 * runner in this process — the processor's own composition (`createAwsClients`,
 * `createBatchProcessor`, `ShardLanesRunner`, `KinesisShardReader`) on a fresh local stack per run —
 * with its DynamoDB, S3 and Kinesis clients metered by {@link BillingMeter}, and batches cut like
 * the CDK's event source mapping (500 records or 1 s) by {@link BatchingWindowSource}. The load
 * (the producer's open-loop step and the output tap that times each event) runs in a child
 * process, so the CPU measured here is the pipeline's. Per run: WRU, RRU, S3 requests and CPU per
 * event, p99 event→output latency; then a monthly bill at 1,000 events/s beside the Flink design.
 */
export async function runStateCostScenario(options: StateCostOptions, context: ScenarioContext): Promise<ScenarioResult> {
  const loadBefore = readLoadAverage();
  const started = performance.now();
  const measured: CostRunMeasurement[] = [];
  for (const spec of options.runs) measured.push(await measureRun(spec, options, context));

  const runs = measured.map((run) => ({
    run,
    spec: run.spec,
    usage: perEventUsage(run, run.outputStream),
    p99Ms: latencyOf(run.step, 'p99'),
    complete: run.step.delivered >= run.step.sent,
  }));
  const shape = deploymentShape(options);
  const costs = runs.map(({ spec, usage }) => ({ name: runName(spec), cost: ourMonthlyCost(usage, shape, PRICE_LIST) }));
  const flink = flinkMonthlyCost(shape, PRICE_LIST);

  const table: Table = {
    columns: [
      { title: 'run' },
      { title: 'events', align: 'right' },
      { title: 'kept up', align: 'right' },
      { title: 'WRU/event', align: 'right' },
      { title: 'RRU/event', align: 'right' },
      { title: 'S3 req/event', align: 'right' },
      { title: 'p50 ms', align: 'right' },
      { title: 'p99 ms', align: 'right' },
      { title: 'CPU ms/event', align: 'right' },
      { title: 'events/batch', align: 'right' },
      { title: 'vs Flink (on-demand)', align: 'right' },
    ],
    rows: runs.map(({ run, spec, usage }, index) => [
      runName(spec),
      formatInteger(run.events),
      run.step.verdict.sustainable ? 'yes' : 'no',
      perEvent(usage.writeUnits),
      perEvent(usage.readUnits),
      perEvent(s3RequestsPerEvent(usage)),
      formatInteger(latencyOf(run.step, 'p50')),
      formatInteger(latencyOf(run.step, 'p99')),
      formatDecimal(usage.cpuMs, 3),
      formatInteger(run.batches.batches > 0 ? run.batches.records / run.batches.batches : undefined),
      `${formatDecimal((costs[index]?.cost.totalOnDemand ?? 0) / flink.total, 1)}×`,
    ]),
  };

  const notes: string[] = [];
  for (const { run, spec, usage } of runs) {
    const name = runName(spec);
    notes.push(
      `[${name}] DynamoDB by item kind, per event: ${byItemKindText(run.billed, run.events)}` +
        `${run.billed.dynamodb.total.conditionalFailures > 0 ? `; ${formatInteger(run.billed.dynamodb.total.conditionalFailures)} writes refused by their condition (billed)` : ''}` +
        `${run.billed.dynamodb.total.estimated > 0 ? `; ${formatInteger(run.billed.dynamodb.total.estimated)} sizes estimated` : ''}` +
        `${run.billed.dynamodb.unkeyedItems > 0 ? `; ${formatInteger(run.billed.dynamodb.unkeyedItems)} items the shadow could not file` : ''}` +
        `${Object.keys(run.billed.dynamodb.unmetered).length > 0 ? `; unmetered: ${JSON.stringify(run.billed.dynamodb.unmetered)}` : ''}.`,
      `[${name}] requests: DynamoDB ${JSON.stringify(run.billed.dynamodb.requests)}, S3 ${JSON.stringify(run.billed.s3.byCommand)}; WRU/event by ${options.trendIntervalSeconds} s interval: ${run.trend.map((point) => perEvent(point.writeUnitsPerEvent)).join(', ') || 'n/a'}.`,
      `[${name}] ${formatInteger(run.batches.batches)} batches (${formatDecimal(usage.invocations * shape.eventsPerSecond, 1)} Lambda invocations/s at ${formatInteger(shape.eventsPerSecond)} events/s), ${formatInteger(run.batches.processorsBuilt)} processors built during the step; ` +
        `mean batch wall time ${formatInteger(run.batches.batches > 0 ? run.batches.wallMs / run.batches.batches : undefined)} ms (the lanes share this process's one thread, so it overstates a Lambda's billed duration; the table bills CPU); ` +
        `producer ${formatDecimal(run.step.sendRate, 0)}/s (max lag ${formatInteger(run.step.producerMaxLagMs)} ms), ${formatInteger(run.step.delivered)} of ${formatInteger(run.step.sent)} out${run.step.verdict.sustainable ? '' : ` — not sustained: ${run.step.verdict.reasons.join('; ')}`}; ` +
        `cores while sending: ${Object.entries(run.step.cpuCores).map(([component, cores]) => `${component} ${cores.toFixed(2)}`).join(', ')}` +
        `${run.warnings.warnings + run.warnings.errors > 0 ? `; processor logged ${run.warnings.warnings} warnings, ${run.warnings.errors} errors (first: ${run.warnings.first.slice(0, 3).map((warning) => warning.message).join(' | ')})` : ''}; ` +
        `warm-up (not measured): ${formatInteger(run.warmup.events)} events, ${perEvent(run.warmup.events > 0 ? run.warmup.billed.dynamodb.total.writeUnits / run.warmup.events : 0)} WRU/event` +
        `${run.warmup.complete ? '' : ' — its events had not all come out when the measured step began, so the step also carried its backlog'}.`,
    );
  }
  notes.push(
    `State compaction at the processor's defaults (\`state.compaction.interval.seconds\`, \`state.compaction.max.batches\`; README "Configuration"): each measured step starts and ends with a forced compaction of every jobs lane, so it bills the company writes its own events cause; the closing one coalesces less than a steady state would, so short steps overstate WRU/event.`,
    `Batching: the CDK's event source mapping (batch ${LAMBDA_DEPLOYMENT.batchSize}, window ${LAMBDA_DEPLOYMENT.batchingWindowMs / 1_000} s) is emulated by a shard source in front of the runner that gathers records for up to ${options.window.windowMs} ms or ${options.window.maxBatchSize} records (reading every ${options.window.pollMs} ms); the runner's poll interval applies only after an empty read, so on its own it would cut far smaller batches.`,
    `Billing: DynamoDB request units as AWS bills them (item sizes by the developer guide's rules; writes the larger of the item before and after, per 1 KB; a write refused by its condition the item there; reads per 4 KB, half when eventually consistent; Query pages summed before rounding), the item before from a shadow of every item the meter saw on a stack that started empty; UpdateItem is asked for ALL_NEW (hidden from the caller) to know the size after. S3: every request (DELETE is free). The meter's own accounting (${formatDecimal(Math.max(...measured.map((run) => run.billed.accountingMs)), 0)} ms at most per run) is taken out of the CPU figures; the ALL_NEW parsing is not.`,
    `Lambda duration is the processor's CPU per event on this machine stretched by the vCPU share of a ${shape.lambda.memoryMb} MB function (${formatDecimal(shape.lambda.memoryMb / PRICE_LIST.lambda.mbPerVcpu, 2)} of a core): a lower bound, since a Lambda also bills its waits; the CPU includes GetRecords polling, which the event source mapping does for free. Kinesis: 1 PUT payload unit per job event in, the output records as metered; no company snapshots in this workload.`,
    `Flink design: ${shape.flink.kpus} KPUs + ${shape.flink.orchestrationKpus} orchestration KPU at $${PRICE_LIST.flink.kpuHour}/KPU-hour, the same three streams; its state lives in RocksDB on the KPUs (no DynamoDB); its S3 sink's few objects per checkpoint are not modelled. Prices: ${PRICE_LIST.region}, looked up ${PRICE_LIST.asOf} (table below); ${PRICE_LIST.hoursPerMonth} h a month.`,
    `Every run starts on a fresh local stack with empty state; the item sizes of today's state layer grow with the eventIDs each company remembers, so a short run under-states its steady-state write cost (the WRU/event by interval shows the trend).`,
  );

  return {
    id: '4',
    title: 'cost of the state layer (1,000 events/s, 10,000 companies, the CDK batching, metered DynamoDB/S3/Kinesis clients)',
    parameters: {
      companies: options.companies,
      eventsPerSecond: options.eventsPerSecond,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      shards: `${options.shards.jobs}/${options.shards.companies}/${options.shards.enriched}`,
      batch: `${options.window.maxBatchSize} or ${options.window.windowMs} ms`,
      modelLatencyMs: options.modelLatencyMs,
      emulator: 'kinesalite',
    },
    table,
    extraTables: [
      { title: 'Monthly cost at 1,000 events/s', table: monthlyCostTable(costs, shape, PRICE_LIST) },
      { title: `Price list (${PRICE_LIST.region}, ${PRICE_LIST.asOf})`, table: priceTable(PRICE_LIST) },
    ],
    targets: stateCostTargets(runs),
    notes,
    metrics: { runs: measured, usage: runs.map(({ spec, usage }) => ({ run: runName(spec), usage })), monthly: costs, flink, shape, prices: PRICE_LIST },
    load: { before: loadBefore, after: readLoadAverage() },
    durationMs: performance.now() - started,
  };
}
