import type { BillingTotals } from '../billing/billing-meter';
import { atMost, type TargetVerdict } from '../bounds';
import { LAMBDA_DEPLOYMENT } from '../cost/lambda-deployment';
import { flinkMonthlyCost, type DeploymentShape, type OurMonthlyCost, type PerEventUsage } from '../cost/monthly-cost';
import type { PriceList } from '../cost/price-list';
import type { BatchStats } from '../e2e/instrumented-processor';
import type { DriverStepResult } from '../e2e/load-driver-protocol';
import type { LoggedWarning } from '../e2e/warnings-logger';
import { formatDecimal, formatInteger, type Table } from '../table';
import { tenantMixName, type TenantMix } from '../tenant-mix';

// The figures of scenario 4 (the cost of the state layer) from what its runs measured: pure.

/** One configuration of scenario 4: a tenant mix, with or without processor reuse between batches. */
export interface CostRunSpec {
  readonly mix: TenantMix;
  /** Build a new processor (fresh caches) for every batch, as Lambda may. */
  readonly freshPerBatch: boolean;
}

/** Targets of issue #11, item 2 ("Cheap"). */
export const STATE_COST_TARGETS = { writeUnitsPerEvent: 0.2, readUnitsPerEvent: 0.2, s3RequestsPerEvent: 0.003, p99Ms: 2_000, uniformWriteUnitsPerEvent: 1, withoutReuseFactor: 2 } as const;

/** `zipf(1.1)`, `zipf(1.1), fresh processor per batch`. */
export function runName(spec: CostRunSpec): string {
  return `${tenantMixName(spec.mix)}${spec.freshPerBatch ? ', fresh processor per batch' : ''}`;
}

/** Units spent per processed event over one interval of the measured step. */
export interface TrendPoint {
  readonly atSeconds: number;
  readonly records: number;
  readonly writeUnitsPerEvent: number;
  readonly readUnitsPerEvent: number;
}

/** What one run measured. */
export interface CostRunMeasurement {
  readonly spec: CostRunSpec;
  /** The processor's output stream (its PUT payload units are part of the bill). */
  readonly outputStream: string;
  /** Records the processor took in the measured step (the denominator of every per-event figure). */
  readonly events: number;
  readonly step: DriverStepResult;
  readonly billed: BillingTotals;
  /** CPU of this process over the step, minus the meter's own accounting. */
  readonly cpuMs: number;
  readonly batches: BatchStats;
  readonly trend: readonly TrendPoint[];
  readonly warnings: { readonly warnings: number; readonly errors: number; readonly first: readonly LoggedWarning[] };
  readonly warmup: { readonly events: number; readonly billed: BillingTotals; readonly complete: boolean };
}

/**
 * The cost model's inputs from a run: units, requests, output records and CPU per event.
 *
 * @throws RangeError when the run processed no event
 */
export function perEventUsage(run: Pick<CostRunMeasurement, 'events' | 'billed' | 'cpuMs' | 'batches'>, outputStream: string): PerEventUsage {
  const { events, billed } = run;
  if (!(events > 0)) throw new RangeError('the run processed no event: nothing to divide by');
  return {
    writeUnits: billed.dynamodb.total.writeUnits / events,
    readUnits: billed.dynamodb.total.readUnits / events,
    s3PutCopyPostList: billed.s3.requests['put-copy-post-list'] / events,
    s3GetAndOther: billed.s3.requests['get-and-other'] / events,
    outputPutPayloadUnits: (billed.kinesis.byStream[outputStream]?.payloadUnits ?? 0) / events,
    invocations: run.batches.batches / events,
    cpuMs: run.cpuMs / events,
  };
}

/** S3 requests per event that cost money (free DELETEs excluded). */
export function s3RequestsPerEvent(usage: PerEventUsage): number {
  return usage.s3PutCopyPostList + usage.s3GetAndOther;
}

/** A per-event figure: 3 decimals, 5 below 0.01. */
export const perEvent = (value: number): string => formatDecimal(value, value < 0.01 ? 5 : 3);

/** A latency percentile of a step; undefined when no event of it came out. */
export function latencyOf(step: Pick<DriverStepResult, 'latency'>, percentile: 'p50' | 'p99'): number | undefined {
  return step.latency.count > 0 ? step.latency[percentile] : undefined;
}
const ms = (value: number) => `${formatInteger(value)} ms`;

/**
 * The verdicts of issue #11 on scenario 4's runs: with reuse under Zipf(1.1) ≤ 0.2 WRU, ≤ 0.2 RRU,
 * ≤ 0.003 S3 requests per event and p99 ≤ 2 s; uniform ≤ 1 WRU/event; without reuse (Zipf) WRU and
 * RRU at most twice the targets. Runs that were not made give no verdict.
 */
export function stateCostTargets(
  runs: readonly { readonly spec: CostRunSpec; readonly usage: PerEventUsage; readonly p99Ms: number | undefined; readonly complete: boolean }[],
): TargetVerdict[] {
  const t = STATE_COST_TARGETS;
  const find = (kind: TenantMix['kind'], fresh: boolean) => runs.find((run) => run.spec.mix.kind === kind && run.spec.freshPerBatch === fresh);
  const verdicts: TargetVerdict[] = [];
  // A run whose step did not come out in full measured a backlog, not the workload: no target is met on it.
  const judged = (verdict: TargetVerdict, complete: boolean): TargetVerdict =>
    complete ? verdict : { ...verdict, measured: `${verdict.measured} (incomplete run: not every event of the step came out)`, met: false };
  const zipf = find('zipf', false);
  if (zipf !== undefined) {
    const name = runName(zipf.spec);
    verdicts.push(
      ...[
        atMost(`[${name}] ≤ ${t.writeUnitsPerEvent} WRU/event`, zipf.usage.writeUnits, t.writeUnitsPerEvent, perEvent),
        atMost(`[${name}] ≤ ${t.readUnitsPerEvent} RRU/event`, zipf.usage.readUnits, t.readUnitsPerEvent, perEvent),
        atMost(`[${name}] ≤ ${t.s3RequestsPerEvent} S3 requests/event`, s3RequestsPerEvent(zipf.usage), t.s3RequestsPerEvent, perEvent),
        atMost(`[${name}] p99 event→output ≤ ${formatInteger(t.p99Ms)} ms`, zipf.p99Ms, t.p99Ms, ms),
      ].map((verdict) => judged(verdict, zipf.complete)),
    );
  }
  const uniform = find('uniform', false);
  if (uniform !== undefined) {
    verdicts.push(judged(atMost(`[${runName(uniform.spec)}] ≤ ${t.uniformWriteUnitsPerEvent} WRU/event`, uniform.usage.writeUnits, t.uniformWriteUnitsPerEvent, perEvent), uniform.complete));
  }
  const fresh = find('zipf', true);
  if (fresh !== undefined) {
    const name = runName(fresh.spec);
    verdicts.push(
      ...[
        atMost(`[${name}] ≤ ${t.withoutReuseFactor * t.writeUnitsPerEvent} WRU/event (2× target)`, fresh.usage.writeUnits, t.withoutReuseFactor * t.writeUnitsPerEvent, perEvent),
        atMost(`[${name}] ≤ ${t.withoutReuseFactor * t.readUnitsPerEvent} RRU/event (2× target)`, fresh.usage.readUnits, t.withoutReuseFactor * t.readUnitsPerEvent, perEvent),
      ].map((verdict) => judged(verdict, fresh.complete)),
    );
  }
  return verdicts;
}

/** Dollars, cents below $100; `—` for no value. */
export const usd = (value: number | undefined): string => (value === undefined ? '—' : `$${formatDecimal(value, value < 100 ? 2 : 0)}`);

/** The deployment the monthly table is for: the run's rate and shards, the Lambda of apps/infra. */
export function deploymentShape(options: { readonly eventsPerSecond: number; readonly shards: DeploymentShape['shards'] }): DeploymentShape {
  return {
    eventsPerSecond: options.eventsPerSecond,
    shards: options.shards,
    inputPutPayloadUnitsPerEvent: 1,
    lambda: { memoryMb: LAMBDA_DEPLOYMENT.memoryMb, architecture: LAMBDA_DEPLOYMENT.architecture },
    provisionedUtilization: 0.7,
    flink: { kpus: 2, orchestrationKpus: 1 },
  };
}

/** The monthly cost table: one column per run, then the Flink design; rows by component. */
export function monthlyCostTable(columns: readonly { readonly name: string; readonly cost: OurMonthlyCost }[], shape: DeploymentShape, prices: PriceList): Table {
  const flink = flinkMonthlyCost(shape, prices);
  const shards = shape.shards.jobs + shape.shards.companies + shape.shards.enriched;
  const row = (component: string, pick: (cost: OurMonthlyCost) => number | undefined, flinkValue: number | undefined) => [component, ...columns.map((column) => usd(pick(column.cost))), usd(flinkValue)];
  const lambda = `${shape.lambda.memoryMb} MB ${shape.lambda.architecture}`;
  return {
    columns: [{ title: `monthly at ${formatInteger(shape.eventsPerSecond)} events/s (${prices.region})` }, ...columns.map((column) => ({ title: column.name, align: 'right' as const })), { title: 'Flink design', align: 'right' }],
    rows: [
      row(`Kinesis shard-hours (${shards} shards, 3 streams)`, (cost) => cost.kinesisShards, flink.kinesisShards),
      row('Kinesis PUT payload units (input + output)', (cost) => cost.kinesisPutUnits, flink.kinesisPutUnits),
      row('Lambda requests (one per batch)', (cost) => cost.lambdaRequests, undefined),
      row(`Lambda duration (${lambda}, from measured CPU)`, (cost) => cost.lambdaCompute, undefined),
      row('S3 requests', (cost) => cost.s3Requests, undefined),
      row('DynamoDB on-demand', (cost) => cost.dynamodbOnDemand, undefined),
      row(`Flink KPUs (${shape.flink.kpus} + ${shape.flink.orchestrationKpus} orchestration)`, () => undefined, flink.kpus),
      row('total, DynamoDB on-demand', (cost) => cost.totalOnDemand, flink.total),
      row(`DynamoDB provisioned (${Math.round(shape.provisionedUtilization * 100)} % utilization)`, (cost) => cost.dynamodbProvisioned, undefined),
      row('total, DynamoDB provisioned', (cost) => cost.totalProvisioned, flink.total),
    ],
  };
}

/** The price list as a table. */
export function priceTable(prices: PriceList): Table {
  return { columns: [{ title: 'item' }, { title: 'price' }, { title: 'source' }], rows: prices.sources.map((source) => [source.item, source.price, source.source]) };
}

