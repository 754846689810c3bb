import type { DeadLetter, DeadLetterReason, EnrichedCompany } from '@tenant-analytics/domain';
import {
  collectRunStats,
  counterOf,
  countersByDimension,
  isDrained,
  lastRunnerMetrics,
  observationsFromProcessedAt,
  type EnrichedObservation,
  type LaneProgress,
} from './pipeline-run';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

let nextSequence = 1;
function enrichedRecordFactory(overrides: Partial<EnrichedCompany> = {}): EnrichedCompany {
  const sequence = nextSequence++;
  return {
    companyID: 'comp_1',
    industry: 'IT',
    revenu: 1000,
    employees: 10,
    job30: 1,
    job90: 2,
    monthlyFee: 100,
    totalFee: 1200,
    riskOfChurn: false,
    churnProbability: 0.1,
    eventID: `e${sequence}`,
    userID: 'user_1',
    nbJobs: 1,
    eventTime: iso(T0),
    processedAt: iso(T0 + 100),
    sentAt: iso(T0),
    source: { stream: 'bigdatajobs', shardId: 'shardId-000000000000', sequenceNumber: String(sequence) },
    ...overrides,
  };
}

/** An event sent at `sentOffsetMs` after T0 and output `latencyMs` later. */
function observation(sentOffsetMs: number, latencyMs: number, overrides: Partial<EnrichedCompany> = {}): EnrichedObservation {
  return { record: enrichedRecordFactory({ sentAt: iso(T0 + sentOffsetMs), ...overrides }), outputAtMs: T0 + sentOffsetMs + latencyMs };
}

function deadLetterFactory(reason: DeadLetterReason): DeadLetter {
  return {
    reason,
    message: 'bad',
    stage: 'validate',
    attempts: 1,
    firstFailureAt: iso(T0),
    record: { data: '', partitionKey: 'comp_1', sequenceNumber: '1', shardId: 'shardId-000000000000', stream: 'bigdatajobs', arrivalTime: iso(T0) },
  };
}

describe('lastRunnerMetrics', () => {
  it('returns the last metrics snapshot of the runner output, skipping other lines', () => {
    // Prepare
    const output = [
      '{"level":30,"msg":"processor running"}',
      '{"level":30,"msg":"metrics","counters":{"Enriched":1},"observations":{}}',
      'a plain text line',
      '{"level":30,"msg":"processor stopped","counters":{"Enriched":5,"DeadLetters{reason=bad-type}":2},"observations":{"ScoringLatencyMs":{"count":1,"sum":20,"min":20,"max":20}}}',
      '{"level":30,"msg":"something else","counters":{"Enriched":9},"observations":{}}',
      '',
    ].join('\n');

    // Act
    const metrics = lastRunnerMetrics(output);

    // Assess
    expect(counterOf(metrics, 'Enriched')).toBe(5);
    expect(countersByDimension(metrics, 'DeadLetters', 'reason')).toEqual({ 'bad-type': 2 });
    expect(metrics?.observations['ScoringLatencyMs']?.max).toBe(20);
  });

  it('returns undefined when the runner logged no metrics', () => {
    expect(lastRunnerMetrics('{"msg":"processor running"}\nnot json {')).toBeUndefined();
    expect(counterOf(undefined, 'Enriched')).toBe(0);
  });
});

describe('isDrained', () => {
  const lane = (overrides: Partial<LaneProgress>): LaneProgress => ({ stream: 'bigdatajobs', shardId: 's0', checkpoint: '1', pending: false, caughtUp: true, ...overrides });

  it('is true only when every lane is caught up with nothing pending', () => {
    expect(isDrained([lane({}), lane({ shardId: 's1', checkpoint: undefined })])).toBe(true);
    expect(isDrained([lane({}), lane({ caughtUp: false })])).toBe(false);
    expect(isDrained([lane({ pending: true })])).toBe(false);
  });
});

describe('observationsFromProcessedAt', () => {
  it('keeps the first copy of each event with its processedAt as output time', () => {
    // Prepare
    const first = enrichedRecordFactory({ eventID: 'x', processedAt: iso(T0 + 500) });
    const again = { ...first, processedAt: iso(T0 + 900) };

    // Act
    const observations = observationsFromProcessedAt([first, again, enrichedRecordFactory()]);

    // Assess
    expect(observations).toHaveLength(2);
    expect(observations[0]).toEqual({ record: first, outputAtMs: T0 + 500 });
  });
});

describe('collectRunStats', () => {
  it('computes latency percentiles from sentAt to output', () => {
    // Prepare: latencies 1..100 ms
    const observations = Array.from({ length: 100 }, (_, index) => observation(index * 10, index + 1));

    // Act
    const stats = collectRunStats({ observations, deadLetters: [], latencyBasis: 'output-stream' });

    // Assess
    expect(stats.enriched).toBe(100);
    expect(stats.latencyMs).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(stats.latencyBasis).toBe('output-stream');
  });

  it('builds a per-second timeline of events sent and output, with latency per second', () => {
    // Prepare: 3 events sent in second 0, output in seconds 0, 1 and 2; one sent in second 1
    const observations = [observation(0, 200), observation(100, 1_000), observation(900, 1_500), observation(1_200, 300)];

    // Act
    const stats = collectRunStats({ observations, deadLetters: [], latencyBasis: 'processedAt' });

    // Assess
    expect(stats.originMs).toBe(T0);
    expect(stats.timeline.map(({ second, sent, output }) => ({ second, sent, output }))).toEqual([
      { second: 0, sent: 3, output: 1 },
      { second: 1, sent: 1, output: 2 },
      { second: 2, sent: 0, output: 1 },
    ]);
    expect(stats.timeline[0]?.latency).toEqual({ p50: 200, p99: 200 });
    expect(stats.timeline[1]?.latency?.p99).toBe(1_000);
    expect(stats.throughput).toEqual({ meanPerSecond: 1.7, peakPerSecond: 2, spanMs: 2_400 });
  });

  it('leaves events without sentAt out of the latency figures and counts them', () => {
    // Prepare
    const observations = [observation(0, 100), { record: enrichedRecordFactory({ sentAt: undefined }), outputAtMs: T0 + 50 }];

    // Act
    const stats = collectRunStats({ observations, deadLetters: [], latencyBasis: 'output-stream' });

    // Assess
    expect(stats.enriched).toBe(2);
    expect(stats.withoutSentAt).toBe(1);
    expect(stats.latencyMs?.count).toBe(1);
  });

  it('counts dead letters by reason, most frequent first', () => {
    // Act
    const stats = collectRunStats({
      observations: [],
      deadLetters: [deadLetterFactory('bad-type'), deadLetterFactory('unknown-company'), deadLetterFactory('unknown-company')],
      latencyBasis: 'output-stream',
    });

    // Assess
    expect(stats.deadLetters).toBe(3);
    expect(Object.entries(stats.deadLettersByReason)).toEqual([
      ['unknown-company', 2],
      ['bad-type', 1],
    ]);
    expect(stats.latencyMs).toBeUndefined();
    expect(stats.timeline).toEqual([]);
  });

  it('flags companies by their latest record and ranks the top ones by probability', () => {
    // Prepare: comp_a was at risk but its latest record (higher sequence number) is not
    const observations = [
      observation(0, 10, { companyID: 'comp_a', riskOfChurn: true, churnProbability: 0.99, source: { stream: 's', shardId: 'x', sequenceNumber: '9' } }),
      observation(10, 10, { companyID: 'comp_a', riskOfChurn: false, churnProbability: 0.2, source: { stream: 's', shardId: 'x', sequenceNumber: '10' } }),
      observation(20, 10, { companyID: 'comp_b', riskOfChurn: true, churnProbability: 0.7 }),
      observation(30, 10, { companyID: 'comp_c', riskOfChurn: true, churnProbability: 0.9 }),
      observation(40, 10, { companyID: 'comp_d', riskOfChurn: true, churnProbability: 0.8 }),
    ];

    // Act
    const stats = collectRunStats({ observations, deadLetters: [], latencyBasis: 'output-stream', topN: 2 });

    // Assess
    expect(stats.churnRisk.companies).toBe(4);
    expect(stats.churnRisk.flagged).toBe(3);
    expect(stats.churnRisk.top.map(({ companyID, churnProbability }) => [companyID, churnProbability])).toEqual([
      ['comp_c', 0.9],
      ['comp_d', 0.8],
    ]);
  });
});
