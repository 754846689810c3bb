import { loadPipelineConfig } from '@tenant-analytics/domain';
import { createJobEventGenerator } from '@tenant-analytics/job-producer';
import type { LocalEndpoints } from '@tenant-analytics/local-stack';
import { createAwsClients, DEFAULT_WRITE_CONCURRENCY, DynamoDbCompanyStateStore, localPropertyGroups } from '@tenant-analytics/processor';
import { ProcessCpuMeter } from '../process-cpu';
import { summarize } from '../statistics';
import { formatDecimal, formatInteger } from '../table';

/** Company commits in flight per batch: the core's default, which the composition root does not override. */
export const PROCESSOR_WRITE_CONCURRENCY = DEFAULT_WRITE_CONCURRENCY;

/** Companies written per batch, at most: about one batch's worth of distinct companies. */
const MAX_CEILING_COMPANIES = 1_000;

/** Sizes of one ceiling measurement. */
export interface StateStoreCeilingOptions {
  /** The workload's companies (the data set's first N): their state items are the models of the written ones. */
  readonly companyIds: readonly string[];
  /** How long the conditional updates are measured. */
  readonly seconds: number;
  /** @default PROCESSOR_WRITE_CONCURRENCY */
  readonly concurrency?: number;
}

/** What the measured part counted: the input of {@link deriveCeiling}. */
export interface CeilingCounts {
  readonly writes: number;
  /** Writes refused by their condition (none expected: every writer owns its companies). */
  readonly conflicts: number;
  readonly spanMs: number;
  /** CPU of this process over the span (the client side: SDK, signing, HTTP, JSON). */
  readonly clientCpuMs: number;
  /** CPU of the DynamoDB emulator's process tree over the span. */
  readonly emulatorCpuMs: number;
  /** Company writes the pipeline needs per event (distinct companies per batch ÷ events per batch). */
  readonly writesPerEvent: number;
}

/** The state store's ceiling: how fast the emulator takes the pipeline's commits, and what that allows. */
export interface StateStoreCeiling {
  readonly writes: number;
  readonly conflicts: number;
  readonly seconds: number;
  readonly concurrency: number;
  readonly writesPerSecond: number;
  readonly clientCpuUsPerWrite: number;
  readonly emulatorCpuUsPerWrite: number;
  readonly writesPerEvent: number;
  /** Events per second the pipeline could take if committing state were all it did: writes/s ÷ writes per event. */
  readonly ceilingEventsPerSecond: number;
  /** Median bytes of the `state` JSON of the written items (copies of the run's real ones). */
  readonly itemBytes: number;
}

/** Rates and CPU costs per write from the counts of a measurement; zero where nothing was written. */
export function deriveCeiling(counts: CeilingCounts): Pick<StateStoreCeiling, 'writesPerSecond' | 'clientCpuUsPerWrite' | 'emulatorCpuUsPerWrite' | 'ceilingEventsPerSecond'> {
  const perWrite = (cpuMs: number) => (counts.writes > 0 ? (cpuMs * 1_000) / counts.writes : 0);
  const writesPerSecond = counts.spanMs > 0 ? (counts.writes * 1_000) / counts.spanMs : 0;
  return {
    writesPerSecond,
    clientCpuUsPerWrite: perWrite(counts.clientCpuMs),
    emulatorCpuUsPerWrite: perWrite(counts.emulatorCpuMs),
    ceilingEventsPerSecond: counts.writesPerEvent > 0 ? writesPerSecond / counts.writesPerEvent : 0,
  };
}

/**
 * Company writes per event of the workload the producer sends (events spread uniformly over
 * `companyIds`): the distinct companies of each batch of `eventsPerBatch` events, ÷ its events,
 * averaged over `batches` batches. The processor commits each company once per batch (ARCHITECTURE.md §3).
 */
export function companyWritesPerEvent(companyIds: readonly string[], eventsPerBatch: number, batches: number, seed = 99): number {
  if (!(eventsPerBatch > 0 && batches > 0)) throw new RangeError(`eventsPerBatch and batches must be positive, got ${eventsPerBatch}, ${batches}`);
  const next = createJobEventGenerator({ companyIds, runId: 'ceiling', seed });
  let distinct = 0;
  for (let batch = 0; batch < batches; batch++) {
    const companies = new Set<string>();
    for (let i = 0; i < eventsPerBatch; i++) companies.add(next(0).partitionKey);
    distinct += companies.size;
  }
  return distinct / (eventsPerBatch * batches);
}

/**
 * `count` items to write, copied from the run's real company states (cycling through them) under
 * `ceiling-<n>` company ids, at version 0 (not stored yet): items of the real shape and size,
 * whatever the state document holds.
 */
export function ceilingItems<State extends { readonly companyID: string; readonly version: number }>(models: readonly State[], count: number): State[] {
  if (models.length === 0) throw new RangeError('no company state to copy: the run left none in the state table');
  return Array.from({ length: count }, (_, index) => ({ ...(models[index % models.length] as State), companyID: `ceiling-${index}`, version: 0 }));
}

/** The scenario-3 note that explains the ceiling. */
export function ceilingText(ceiling: StateStoreCeiling): string {
  const us = (value: number) => `${formatInteger(value)} µs`;
  return (
    `state-store ceiling: ${formatInteger(ceiling.writes)} conditional company writes (PutItem, version condition) through our DynamoDbCompanyStateStore at ${ceiling.concurrency} in flight for ${formatDecimal(ceiling.seconds, 1)} s, ` +
    `after the other steps, on the same stack: ${formatInteger(ceiling.writesPerSecond)} writes/s, CPU per write ${us(ceiling.clientCpuUsPerWrite)} client (this process) + ${us(ceiling.emulatorCpuUsPerWrite)} emulator` +
    `${ceiling.clientCpuUsPerWrite > 0 ? ` (the client alone allows ${formatInteger(1e6 / ceiling.clientCpuUsPerWrite)} writes/s per core)` : ''}` +
    `${ceiling.conflicts > 0 ? `, ${formatInteger(ceiling.conflicts)} conflicts` : ''}; ` +
    `copies of the run’s company items (median ${formatInteger(ceiling.itemBytes)} B of state JSON); ` +
    `${formatDecimal(ceiling.writesPerEvent, 3)} company writes per event (distinct companies per batch of 1,000 events) → ceiling ${formatInteger(ceiling.ceilingEventsPerSecond)} events/s. ` +
    'An explanation of the gap to the pass-through, not a target: the pipeline cannot sustain more than this while every batch commits each of its companies once.'
  );
}

/**
 * Measures how many conditional company-state writes per second the stack's DynamoDB emulator
 * takes through the processor's own adapter and SDK client (built as the composition root builds
 * it), at the processor's write concurrency, with copies of the run's company items (read through
 * the same adapter). They live under `ceiling-<n>` company ids in the state table, so the
 * pipeline's own companies are not touched; each writer owns its companies, so no write conflicts
 * with another. Inserts first (not measured), then version updates for `seconds`: the pipeline's
 * steady state. Call it when nothing else runs in this process.
 */
export async function measureStateStoreCeiling(
  endpoints: LocalEndpoints,
  processes: Readonly<Record<string, number>>,
  options: StateStoreCeilingOptions,
): Promise<StateStoreCeiling> {
  const concurrency = options.concurrency ?? PROCESSOR_WRITE_CONCURRENCY;
  const config = loadPipelineConfig({ json: localPropertyGroups(endpoints), env: {} });
  const clients = createAwsClients(config, async () => ({ ...endpoints.credentials }));
  const store = new DynamoDbCompanyStateStore(clients.dynamodb, config.state.tableName);
  try {
    const models = [...(await store.getMany(options.companyIds.slice(0, MAX_CEILING_COMPANIES))).values()];
    const items = ceilingItems(models, Math.min(options.companyIds.length, MAX_CEILING_COMPANIES));
    const writers = Array.from({ length: concurrency }, (_, writer) => items.filter((_, index) => index % concurrency === writer));
    let conflicts = 0;
    const write = async (item: (typeof items)[number], version: number) => {
      if (!(await store.put({ ...item, version }))) conflicts += 1;
    };
    // Inserts (attribute_not_exists), and a first update to warm the connections.
    for (const version of [1, 2]) {
      await Promise.all(
        writers.map(async (owned) => {
          for (const item of owned) await write(item, version);
        }),
      );
    }

    const meter = new ProcessCpuMeter(processes);
    const cpuBefore = process.cpuUsage();
    meter.start();
    const started = performance.now();
    const endAt = started + options.seconds * 1_000;
    let writes = 0;
    await Promise.all(
      writers.map(async (owned) => {
        for (let version = 3; owned.length > 0 && performance.now() < endAt; version++) {
          for (const item of owned) {
            if (performance.now() >= endAt) break;
            await write(item, version);
            writes += 1;
          }
        }
      }),
    );
    const spanMs = performance.now() - started;
    const cores = meter.stop();
    const cpu = process.cpuUsage(cpuBefore);
    const counts: CeilingCounts = {
      writes,
      conflicts,
      spanMs,
      clientCpuMs: (cpu.user + cpu.system) / 1_000,
      emulatorCpuMs: (cores['dynamodb'] ?? 0) * spanMs,
      writesPerEvent: companyWritesPerEvent(options.companyIds, 1_000, 5),
    };
    return {
      writes,
      conflicts,
      seconds: spanMs / 1_000,
      concurrency,
      writesPerEvent: counts.writesPerEvent,
      ...deriveCeiling(counts),
      itemBytes: summarize(items.map((item) => JSON.stringify(item).length)).median,
    };
  } finally {
    clients.dynamodb.destroy();
    clients.s3.destroy();
    clients.kinesis.destroy();
  }
}
