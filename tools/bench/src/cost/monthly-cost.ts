import type { PriceList } from './price-list';

/** What a run measured per event: the inputs of the cost model. */
export interface PerEventUsage {
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly s3PutCopyPostList: number;
  readonly s3GetAndOther: number;
  /** PUT payload units the processor put on the output stream. */
  readonly outputPutPayloadUnits: number;
  /** Lambda invocations: batches that carried records. */
  readonly invocations: number;
  /** The processor's CPU time on this machine. */
  readonly cpuMs: number;
}

/** The deployment the monthly figures are for. */
export interface DeploymentShape {
  readonly eventsPerSecond: number;
  /** Provisioned shards of the three streams. */
  readonly shards: { readonly jobs: number; readonly companies: number; readonly enriched: number };
  /** PUT payload units producers put on the input streams per event (a job record is one; no company snapshots in this workload). */
  readonly inputPutPayloadUnitsPerEvent: number;
  readonly lambda: { readonly memoryMb: number; readonly architecture: 'arm64' | 'x86_64' };
  /** Share of provisioned DynamoDB capacity used on average (auto scaling's default target is 70 %). */
  readonly provisionedUtilization: number;
  /** The Flink design: KPUs of the job (at least 2) plus the orchestration KPU of every application. */
  readonly flink: { readonly kpus: number; readonly orchestrationKpus: number };
}

/** Monthly USD of our design by component. */
export interface OurMonthlyCost {
  readonly kinesisShards: number;
  readonly kinesisPutUnits: number;
  readonly lambdaRequests: number;
  readonly lambdaCompute: number;
  /** GB-seconds behind `lambdaCompute`. */
  readonly lambdaGbSeconds: number;
  readonly dynamodbOnDemand: number;
  /** The same traffic on provisioned capacity at the shape's utilization. */
  readonly dynamodbProvisioned: number;
  readonly s3Requests: number;
  /** Everything, with on-demand DynamoDB. */
  readonly totalOnDemand: number;
  /** Everything, with provisioned DynamoDB. */
  readonly totalProvisioned: number;
}

/** Monthly USD of the Flink design (Managed Service for Apache Flink, state in RocksDB). */
export interface FlinkMonthlyCost {
  readonly kinesisShards: number;
  readonly kinesisPutUnits: number;
  readonly kpus: number;
  readonly total: number;
}

/** Seconds in the price list's month (730 h). */
export function secondsPerMonth(prices: PriceList): number {
  return prices.hoursPerMonth * 3_600;
}

/** The share of a vCPU a function of `memoryMb` gets (one full vCPU at 1,769 MB; our processor runs on one thread). */
export function lambdaVcpuShare(memoryMb: number, prices: PriceList): number {
  return Math.min(1, memoryMb / prices.lambda.mbPerVcpu);
}

/**
 * GB-seconds a function of `memoryMb` is billed for `cpuMs` of CPU work: a CPU-bound run lasts
 * its CPU time ÷ the function's vCPU share (our processor runs on one thread, so memory above
 * 1,769 MB does not shorten it), billed at `memoryMb` / 1,024 GB. A lower bound of a real
 * invocation, which also bills its waits.
 *
 * @throws RangeError on negative CPU or under 128 MB
 */
export function lambdaGbSecondsForCpu(cpuMs: number, memoryMb: number, prices: PriceList): number {
  if (!(cpuMs >= 0)) throw new RangeError(`cpuMs must not be negative, got ${cpuMs}`);
  if (!(memoryMb >= 128)) throw new RangeError(`memoryMb must be at least 128, got ${memoryMb}`);
  return (cpuMs / 1_000 / lambdaVcpuShare(memoryMb, prices)) * (memoryMb / 1_024);
}

/** USD per GB-second of Lambda duration on `architecture`. */
export function lambdaGbSecondPrice(architecture: DeploymentShape['lambda']['architecture'], prices: PriceList): number {
  return architecture === 'arm64' ? prices.lambda.arm64GbSecond : prices.lambda.x86GbSecond;
}

/** A month of Lambda duration for a CPU cost per event. */
export interface LambdaMonthlyCompute {
  readonly gbSeconds: number;
  readonly usd: number;
}

/**
 * Lambda duration for a month at `shape.eventsPerSecond` when each event costs `cpuMsPerEvent`
 * of CPU ({@link lambdaGbSecondsForCpu}; no request charge, no free tier).
 *
 * @throws RangeError on negative CPU, a non-positive rate or under 128 MB
 */
export function lambdaMonthlyCompute(cpuMsPerEvent: number, shape: Pick<DeploymentShape, 'eventsPerSecond' | 'lambda'>, prices: PriceList): LambdaMonthlyCompute {
  if (!(shape.eventsPerSecond > 0)) throw new RangeError(`eventsPerSecond must be positive, got ${shape.eventsPerSecond}`);
  const gbSeconds = lambdaGbSecondsForCpu(shape.eventsPerSecond * secondsPerMonth(prices) * cpuMsPerEvent, shape.lambda.memoryMb, prices);
  return { gbSeconds, usd: gbSeconds * lambdaGbSecondPrice(shape.lambda.architecture, prices) };
}

/** What a CPU cost per event comes to on a Lambda of `memoryMb`. */
export interface LambdaComputeOfCpu {
  readonly memoryMb: number;
  readonly vcpuShare: number;
  readonly gbSecondsPerThousandEvents: number;
  readonly eventsPerSecond: number;
  /** A month of duration at `eventsPerSecond`, by architecture. */
  readonly monthly: { readonly arm64: LambdaMonthlyCompute; readonly x86_64: LambdaMonthlyCompute };
}

/**
 * GB-seconds per 1,000 events (CPU s per 1,000 events ÷ vCPU share × memory in GB) and the monthly
 * duration bill on Arm and x86 of a measured CPU cost per event.
 *
 * @throws RangeError on negative CPU, a non-positive rate or under 128 MB
 */
export function lambdaComputeOfCpu(cpuMicrosPerEvent: number, options: { readonly memoryMb: number; readonly eventsPerSecond: number }, prices: PriceList): LambdaComputeOfCpu {
  const cpuMsPerEvent = cpuMicrosPerEvent / 1_000;
  const at = (architecture: DeploymentShape['lambda']['architecture']) =>
    lambdaMonthlyCompute(cpuMsPerEvent, { eventsPerSecond: options.eventsPerSecond, lambda: { memoryMb: options.memoryMb, architecture } }, prices);
  return {
    memoryMb: options.memoryMb,
    vcpuShare: lambdaVcpuShare(options.memoryMb, prices),
    gbSecondsPerThousandEvents: lambdaGbSecondsForCpu(cpuMsPerEvent * 1_000, options.memoryMb, prices),
    eventsPerSecond: options.eventsPerSecond,
    monthly: { arm64: at('arm64'), x86_64: at('x86_64') },
  };
}

function kinesisShardCost(shape: DeploymentShape, prices: PriceList): number {
  const { jobs, companies, enriched } = shape.shards;
  return (jobs + companies + enriched) * prices.hoursPerMonth * prices.kinesis.shardHour;
}

function validate(shape: DeploymentShape): void {
  if (!(shape.eventsPerSecond > 0)) throw new RangeError(`eventsPerSecond must be positive, got ${shape.eventsPerSecond}`);
  if (!(shape.provisionedUtilization > 0 && shape.provisionedUtilization <= 1)) throw new RangeError(`provisionedUtilization must be in (0, 1], got ${shape.provisionedUtilization}`);
  if (!(shape.lambda.memoryMb >= 128)) throw new RangeError(`lambda.memoryMb must be at least 128, got ${shape.lambda.memoryMb}`);
}

/**
 * Our design's monthly bill at `shape.eventsPerSecond`, from per-event usage measured on the local
 * stack. Lambda duration is the measured CPU time stretched by the function's vCPU share (a
 * 1,024 MB function gets 58 % of a core, so a CPU-bound batch takes 1/0.58 as long there): a lower
 * bound, as waiting on DynamoDB, S3 and the churn API is billed too (the benchmark reports the
 * wall-time figure beside it). The event source mapping's polling is free. Provisioned DynamoDB
 * capacity is the mean rate ÷ utilization, all month.
 *
 * @throws RangeError on a shape with a non-positive rate, a utilization outside (0, 1] or under 128 MB
 */
export function ourMonthlyCost(usage: PerEventUsage, shape: DeploymentShape, prices: PriceList): OurMonthlyCost {
  validate(shape);
  const events = shape.eventsPerSecond * secondsPerMonth(prices);
  const kinesisShards = kinesisShardCost(shape, prices);
  const kinesisPutUnits = ((events * (shape.inputPutPayloadUnitsPerEvent + usage.outputPutPayloadUnits)) / 1e6) * prices.kinesis.putPayloadUnitsPerMillion;
  const lambdaRequests = ((events * usage.invocations) / 1e6) * prices.lambda.requestsPerMillion;
  const { gbSeconds: lambdaGbSeconds, usd: lambdaCompute } = lambdaMonthlyCompute(usage.cpuMs, shape, prices);
  const dynamodbOnDemand =
    ((events * usage.writeUnits) / 1e6) * prices.dynamodb.writeRequestUnitsPerMillion + ((events * usage.readUnits) / 1e6) * prices.dynamodb.readRequestUnitsPerMillion;
  const provisioned = (unitsPerEvent: number, hourly: number) => ((shape.eventsPerSecond * unitsPerEvent) / shape.provisionedUtilization) * prices.hoursPerMonth * hourly;
  const dynamodbProvisioned = provisioned(usage.writeUnits, prices.dynamodb.writeCapacityUnitHour) + provisioned(usage.readUnits, prices.dynamodb.readCapacityUnitHour);
  const s3Requests = ((events * usage.s3PutCopyPostList) / 1_000) * prices.s3.putCopyPostListPerThousand + ((events * usage.s3GetAndOther) / 1_000) * prices.s3.getAndOtherPerThousand;
  const common = kinesisShards + kinesisPutUnits + lambdaRequests + lambdaCompute + s3Requests;
  return {
    kinesisShards,
    kinesisPutUnits,
    lambdaRequests,
    lambdaCompute,
    lambdaGbSeconds,
    dynamodbOnDemand,
    dynamodbProvisioned,
    s3Requests,
    totalOnDemand: common + dynamodbOnDemand,
    totalProvisioned: common + dynamodbProvisioned,
  };
}

/**
 * The Flink design's monthly bill for the same traffic: the same three streams (one output record
 * per event), and the application's KPUs all month. Its state lives in RocksDB on the KPUs' disks
 * (50 GB per KPU included), so there is no state-store line; its S3 file sink rolls a few objects
 * per checkpoint, not modelled.
 */
export function flinkMonthlyCost(shape: DeploymentShape, prices: PriceList): FlinkMonthlyCost {
  validate(shape);
  const events = shape.eventsPerSecond * secondsPerMonth(prices);
  const kinesisShards = kinesisShardCost(shape, prices);
  const kinesisPutUnits = ((events * (shape.inputPutPayloadUnitsPerEvent + 1)) / 1e6) * prices.kinesis.putPayloadUnitsPerMillion;
  const kpus = (shape.flink.kpus + shape.flink.orchestrationKpus) * prices.hoursPerMonth * prices.flink.kpuHour;
  return { kinesisShards, kinesisPutUnits, kpus, total: kinesisShards + kinesisPutUnits + kpus };
}
