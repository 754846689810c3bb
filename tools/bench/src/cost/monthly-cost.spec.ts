import {
  flinkMonthlyCost,
  lambdaComputeOfCpu,
  lambdaGbSecondPrice,
  lambdaGbSecondsForCpu,
  lambdaMonthlyCompute,
  lambdaVcpuShare,
  ourMonthlyCost,
  secondsPerMonth,
  type DeploymentShape,
  type PerEventUsage,
} from './monthly-cost';
import { PRICE_LIST } from './price-list';

const SHAPE: DeploymentShape = {
  eventsPerSecond: 1_000,
  shards: { jobs: 4, companies: 4, enriched: 4 },
  inputPutPayloadUnitsPerEvent: 1,
  lambda: { memoryMb: 1_024, architecture: 'arm64' },
  provisionedUtilization: 0.7,
  flink: { kpus: 2, orchestrationKpus: 1 },
};

/** The targets: 0.2 WRU, 0.2 RRU and 0.003 S3 requests per event. */
const AT_TARGETS: PerEventUsage = { writeUnits: 0.2, readUnits: 0.2, s3PutCopyPostList: 0.003, s3GetAndOther: 0, outputPutPayloadUnits: 1, invocations: 0.004, cpuMs: 0.1 };

describe('ourMonthlyCost', () => {
  it('prices a month (730 h, 2.628 × 10⁹ events at 1,000/s) by hand', () => {
    // Act
    const cost = ourMonthlyCost(AT_TARGETS, SHAPE, PRICE_LIST);

    // Assess: 12 shards × 730 h × $0.015
    expect(cost.kinesisShards).toBeCloseTo(131.4, 6);
    // (1 input + 1 output) units × 2.628 × 10⁹ = 5,256 M units × $0.014
    expect(cost.kinesisPutUnits).toBeCloseTo(73.584, 6);
    // 0.004 invocations × 2.628 × 10⁹ = 10.512 M × $0.20
    expect(cost.lambdaRequests).toBeCloseTo(2.1024, 6);
    // 262,800 CPU-s ÷ (1,024 / 1,769 of a vCPU) × 1 GB = 453,994.9 GB-s × $0.0000133334
    expect(cost.lambdaGbSeconds).toBeCloseTo((262_800 * 1_769) / 1_024, 3);
    expect(cost.lambdaCompute).toBeCloseTo(((262_800 * 1_769) / 1_024) * 0.0000133334, 6);
    // 525.6 M WRU × $0.625 + 525.6 M RRU × $0.125
    expect(cost.dynamodbOnDemand).toBeCloseTo(328.5 + 65.7, 6);
    // 200 units/s ÷ 0.7 = 285.7 WCU and RCU, all month
    expect(cost.dynamodbProvisioned).toBeCloseTo((200 / 0.7) * 730 * (0.00065 + 0.00013), 6);
    // 7.884 M PUTs ÷ 1,000 × $0.005
    expect(cost.s3Requests).toBeCloseTo(39.42, 6);
    const common = cost.kinesisShards + cost.kinesisPutUnits + cost.lambdaRequests + cost.lambdaCompute + cost.s3Requests;
    expect(cost.totalOnDemand).toBeCloseTo(common + cost.dynamodbOnDemand, 9);
    expect(cost.totalProvisioned).toBeCloseTo(common + cost.dynamodbProvisioned, 9);
  });

  it('reproduces the issue’s figure: 4.6 WRU per event is about $7,500 a month of on-demand writes', () => {
    // Act
    const cost = ourMonthlyCost({ ...AT_TARGETS, writeUnits: 4.6, readUnits: 0 }, SHAPE, PRICE_LIST);

    // Assess
    expect(cost.dynamodbOnDemand).toBeCloseTo(2.628e9 * 4.6 * 0.625e-6, 6);
    expect(cost.dynamodbOnDemand).toBeGreaterThan(7_400);
    expect(cost.dynamodbOnDemand).toBeLessThan(7_600);
  });

  it('charges x86 duration at the x86 price', () => {
    // Act
    const arm = ourMonthlyCost(AT_TARGETS, SHAPE, PRICE_LIST);
    const x86 = ourMonthlyCost(AT_TARGETS, { ...SHAPE, lambda: { memoryMb: 1_024, architecture: 'x86_64' } }, PRICE_LIST);

    // Assess
    expect(x86.lambdaCompute / arm.lambdaCompute).toBeCloseTo(0.0000166667 / 0.0000133334, 9);
  });

  it('rejects a shape it cannot price', () => {
    // Act & assess
    expect(() => ourMonthlyCost(AT_TARGETS, { ...SHAPE, eventsPerSecond: 0 }, PRICE_LIST)).toThrow(RangeError);
    expect(() => ourMonthlyCost(AT_TARGETS, { ...SHAPE, provisionedUtilization: 1.5 }, PRICE_LIST)).toThrow(RangeError);
    expect(() => ourMonthlyCost(AT_TARGETS, { ...SHAPE, lambda: { memoryMb: 64, architecture: 'arm64' } }, PRICE_LIST)).toThrow(RangeError);
  });
});

describe('flinkMonthlyCost', () => {
  it('prices 2 KPUs plus the orchestration KPU all month, and the same streams', () => {
    // Act
    const cost = flinkMonthlyCost(SHAPE, PRICE_LIST);

    // Assess: 3 KPU × 730 h × $0.11 = $240.90
    expect(cost.kpus).toBeCloseTo(240.9, 6);
    expect(cost.kinesisShards).toBeCloseTo(131.4, 6);
    expect(cost.kinesisPutUnits).toBeCloseTo(73.584, 6);
    expect(cost.total).toBeCloseTo(240.9 + 131.4 + 73.584, 6);
  });
});

describe('lambdaVcpuShare', () => {
  it('gives a share of one vCPU in proportion to memory up to 1,769 MB', () => {
    // Act & assess
    expect(lambdaVcpuShare(1_769, PRICE_LIST)).toBe(1);
    expect(lambdaVcpuShare(3_008, PRICE_LIST)).toBe(1);
    expect(lambdaVcpuShare(1_024, PRICE_LIST)).toBeCloseTo(0.5789, 4);
  });

  it('counts a 730-hour month', () => {
    // Act & assess
    expect(secondsPerMonth(PRICE_LIST)).toBe(2_628_000);
  });
});

describe('lambdaGbSecondsForCpu', () => {
  it('stretches CPU by the vCPU share and bills it at the memory in GB', () => {
    // Act & assess: 1 CPU-s on 1,024 MB lasts 1,769 / 1,024 s, billed at 1 GB
    expect(lambdaGbSecondsForCpu(1_000, 1_024, PRICE_LIST)).toBeCloseTo(1_769 / 1_024, 12);
    // 512 MB: twice as long at half the memory, the same GB-s
    expect(lambdaGbSecondsForCpu(1_000, 512, PRICE_LIST)).toBeCloseTo(1_769 / 1_024, 12);
    // From 1,769 MB on a single thread gains nothing: 1 s at 2 GB
    expect(lambdaGbSecondsForCpu(1_000, 2_048, PRICE_LIST)).toBeCloseTo(2, 12);
    expect(lambdaGbSecondsForCpu(0, 1_024, PRICE_LIST)).toBe(0);
  });

  it('rejects negative CPU and memory under 128 MB', () => {
    // Act & assess
    expect(() => lambdaGbSecondsForCpu(-1, 1_024, PRICE_LIST)).toThrow(RangeError);
    expect(() => lambdaGbSecondsForCpu(1, 64, PRICE_LIST)).toThrow(RangeError);
  });
});

describe('lambdaMonthlyCompute', () => {
  it('prices a month of CPU per event at the architecture’s GB-s price, as ourMonthlyCost does', () => {
    // Act
    const arm = lambdaMonthlyCompute(0.1, SHAPE, PRICE_LIST);
    const x86 = lambdaMonthlyCompute(0.1, { ...SHAPE, lambda: { memoryMb: 1_024, architecture: 'x86_64' } }, PRICE_LIST);

    // Assess: 2.628 × 10⁹ events × 0.1 ms = 262,800 CPU-s
    expect(arm.gbSeconds).toBeCloseTo((262_800 * 1_769) / 1_024, 3);
    expect(arm.usd).toBeCloseTo(arm.gbSeconds * 0.0000133334, 9);
    expect(x86.usd).toBeCloseTo(x86.gbSeconds * 0.0000166667, 9);
    expect(arm.usd).toBeCloseTo(ourMonthlyCost(AT_TARGETS, SHAPE, PRICE_LIST).lambdaCompute, 9);
    expect(lambdaGbSecondPrice('x86_64', PRICE_LIST)).toBe(0.0000166667);
  });

  it('rejects a rate that is not positive', () => {
    // Act & assess
    expect(() => lambdaMonthlyCompute(0.1, { ...SHAPE, eventsPerSecond: 0 }, PRICE_LIST)).toThrow(RangeError);
  });
});

describe('lambdaComputeOfCpu', () => {
  it('gives GB-s per 1,000 events and the month on Arm and x86 for a CPU cost per event', () => {
    // Act: 75 µs of CPU per event on the CDK's 1,024 MB at 1,000 events/s
    const compute = lambdaComputeOfCpu(75, { memoryMb: 1_024, eventsPerSecond: 1_000 }, PRICE_LIST);

    // Assess: 0.075 CPU-s per 1,000 events ÷ (1,024 / 1,769) × 1 GB = 0.1296 GB-s
    expect(compute.vcpuShare).toBeCloseTo(1_024 / 1_769, 12);
    expect(compute.gbSecondsPerThousandEvents).toBeCloseTo((0.075 * 1_769) / 1_024, 12);
    // 2.628 × 10⁶ thousands of events a month × 0.1296 GB-s = 340,498 GB-s: $4.54 on Arm, $5.67 on x86
    expect(compute.monthly.arm64.gbSeconds).toBeCloseTo(2_628_000 * compute.gbSecondsPerThousandEvents, 3);
    expect(compute.monthly.arm64.usd).toBeCloseTo(4.54, 3);
    expect(compute.monthly.x86_64.usd).toBeCloseTo(5.675, 3);
  });
});
