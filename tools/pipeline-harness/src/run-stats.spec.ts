import { collectRunStats } from './run-stats';
import { T0, enrichedRecordFactory, observation, deadLetterFactory } from './testing/run-fixtures';

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
