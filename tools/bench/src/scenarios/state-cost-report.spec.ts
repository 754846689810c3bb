import type { BillingTotals } from '../billing/billing-meter';
import { ourMonthlyCost, type PerEventUsage } from '../cost/monthly-cost';
import { PRICE_LIST } from '../cost/price-list';
import { emptyBatchStats } from '../e2e/instrumented-processor';
import { stateCostOptions } from './state-cost';
import { deploymentShape, latencyOf, monthlyCostTable, perEventUsage, priceTable, s3RequestsPerEvent, stateCostTargets, type CostRunSpec } from './state-cost-report';

const ZIPF: CostRunSpec = { mix: { kind: 'zipf', exponent: 1.1 }, freshPerBatch: false };
const ZIPF_FRESH: CostRunSpec = { mix: { kind: 'zipf', exponent: 1.1 }, freshPerBatch: true };
const UNIFORM: CostRunSpec = { mix: { kind: 'uniform' }, freshPerBatch: false };

const units = { writeUnits: 0, readUnits: 0, writes: 0, reads: 0, conditionalFailures: 0, estimated: 0, writtenBytes: 0, sizedWrites: 0 };

/** Totals as a meter would give them for a run. */
function billed(overrides: { writeUnits: number; readUnits: number; puts: number; gets: number; outputUnits: number }): BillingTotals {
  return {
    dynamodb: { total: { ...units, writeUnits: overrides.writeUnits, readUnits: overrides.readUnits }, byItemKind: {}, requests: {}, unmetered: {}, unkeyedItems: 0 },
    s3: { requests: { 'put-copy-post-list': overrides.puts, 'get-and-other': overrides.gets, free: 7 }, byCommand: {} },
    kinesis: { byStream: { enrichedcompanies: { records: overrides.outputUnits, payloadUnits: overrides.outputUnits } } },
    accountingMs: 0,
  };
}

const usage = (overrides: Partial<PerEventUsage>): PerEventUsage => ({
  writeUnits: 0.1,
  readUnits: 0.1,
  s3PutCopyPostList: 0.001,
  s3GetAndOther: 0,
  outputPutPayloadUnits: 1,
  invocations: 0.004,
  cpuMs: 0.1,
  ...overrides,
});

describe('perEventUsage', () => {
  it('divides what was billed by the events the processor took', () => {
    // Prepare: 4,000 events, 16 batches, 2 s of CPU
    const run = { events: 4_000, billed: billed({ writeUnits: 2_000, readUnits: 1_000, puts: 16, gets: 4, outputUnits: 4_000 }), cpuMs: 2_000, batches: { ...emptyBatchStats(), batches: 16, records: 4_000 } };

    // Act
    const result = perEventUsage(run, 'enrichedcompanies');

    // Assess: free DELETEs do not count
    expect(result).toEqual({ writeUnits: 0.5, readUnits: 0.25, s3PutCopyPostList: 0.004, s3GetAndOther: 0.001, outputPutPayloadUnits: 1, invocations: 0.004, cpuMs: 0.5 });
    expect(s3RequestsPerEvent(result)).toBeCloseTo(0.005, 12);
  });

  it('rejects a run that processed nothing', () => {
    // Act & assess
    expect(() => perEventUsage({ events: 0, billed: billed({ writeUnits: 0, readUnits: 0, puts: 0, gets: 0, outputUnits: 0 }), cpuMs: 0, batches: emptyBatchStats() }, 'enrichedcompanies')).toThrow(RangeError);
  });
});

describe('stateCostTargets', () => {
  it('judges the issue’s targets: Zipf with reuse, uniform, and Zipf without reuse at twice the targets', () => {
    // Prepare: Zipf meets all; uniform misses; without reuse 0.35 WRU (≤ 0.4) but 0.45 RRU (> 0.4)
    const runs = [
      { spec: ZIPF, usage: usage({ writeUnits: 0.2, readUnits: 0.15, s3PutCopyPostList: 0.003 }), p99Ms: 1_900, complete: true },
      { spec: ZIPF_FRESH, usage: usage({ writeUnits: 0.35, readUnits: 0.45 }), p99Ms: 2_500, complete: true },
      { spec: UNIFORM, usage: usage({ writeUnits: 1.2 }), p99Ms: 1_000, complete: true },
    ];

    // Act
    const verdicts = stateCostTargets(runs);

    // Assess
    expect(verdicts.map((verdict) => [verdict.target, verdict.met])).toEqual([
      ['[zipf(1.1)] ≤ 0.2 WRU/event', true],
      ['[zipf(1.1)] ≤ 0.2 RRU/event', true],
      ['[zipf(1.1)] ≤ 0.003 S3 requests/event', true],
      ['[zipf(1.1)] p99 event→output ≤ 2,000 ms', true],
      ['[uniform] ≤ 1 WRU/event', false],
      ['[zipf(1.1), fresh processor per batch] ≤ 0.4 WRU/event (2× target)', true],
      ['[zipf(1.1), fresh processor per batch] ≤ 0.4 RRU/event (2× target)', false],
    ]);
    expect(verdicts[4]?.measured).toBe('1.200');
  });

  it('misses a latency target it could not measure', () => {
    // Act
    const verdicts = stateCostTargets([{ spec: ZIPF, usage: usage({}), p99Ms: undefined, complete: true }]);

    // Assess
    expect(verdicts.find((verdict) => verdict.target.includes('p99'))).toMatchObject({ measured: 'n/a', met: false });
  });

  it('gives no verdict for a configuration that was not run', () => {
    // Act & assess
    expect(stateCostTargets([{ spec: UNIFORM, usage: usage({}), p99Ms: 100, complete: true }])).toHaveLength(1);
  });

  it('meets no target on a run whose step did not come out in full', () => {
    // Prepare: figures under the targets, but measured on a backlog
    const verdicts = stateCostTargets([{ spec: UNIFORM, usage: usage({ writeUnits: 0.5 }), p99Ms: undefined, complete: false }]);

    // Assess
    expect(verdicts).toEqual([{ target: '[uniform] ≤ 1 WRU/event', measured: '0.500 (incomplete run: not every event of the step came out)', met: false }]);
  });
});

describe('latencyOf', () => {
  it('gives a percentile only when events came out', () => {
    // Act & assess
    expect(latencyOf({ latency: { count: 10, p50: 40, p99: 90, max: 95 } }, 'p99')).toBe(90);
    expect(latencyOf({ latency: { count: 0, p50: 0, p99: 0, max: 0 } }, 'p99')).toBeUndefined();
  });
});

describe('monthlyCostTable', () => {
  it('prices each run beside the Flink design, component by component', () => {
    // Prepare
    const shape = deploymentShape(stateCostOptions(false));
    const cost = ourMonthlyCost(usage({ writeUnits: 0.2, readUnits: 0.2, s3PutCopyPostList: 0.003 }), shape, PRICE_LIST);

    // Act
    const table = monthlyCostTable([{ name: 'zipf(1.1)', cost }], shape, PRICE_LIST);

    // Assess
    expect(table.columns.map((column) => column.title)).toEqual(['monthly at 1,000 events/s (us-west-2)', 'zipf(1.1)', 'Flink design']);
    const row = (prefix: string) => table.rows.find((cells) => (cells[0] ?? '').startsWith(prefix));
    expect(row('Kinesis shard-hours')).toEqual(['Kinesis shard-hours (12 shards, 3 streams)', '$131', '$131']);
    expect(row('DynamoDB on-demand')).toEqual(['DynamoDB on-demand', '$394', '—']);
    expect(row('Flink KPUs')).toEqual(['Flink KPUs (2 + 1 orchestration)', '—', '$241']);
    expect(row('total, DynamoDB on-demand')?.[2]).toBe('$446');
  });

  it('lists the price list with its sources', () => {
    // Act
    const table = priceTable(PRICE_LIST);

    // Assess
    expect(table.rows).toHaveLength(PRICE_LIST.sources.length);
    expect(table.rows[0]?.[2]).toContain('https://');
  });
});
