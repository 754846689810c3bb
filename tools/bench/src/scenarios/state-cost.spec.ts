import { stateCostOptions } from './state-cost';
import { runName } from './state-cost-report';

describe('stateCostOptions', () => {
  it('runs the issue’s workload: 1,000 events/s over 10,000 companies, 4 shards, batch 500 or 1 s, three configurations', () => {
    // Act
    const full = stateCostOptions(false);
    const quick = stateCostOptions(true);

    // Assess
    expect(full).toMatchObject({ companies: 10_000, eventsPerSecond: 1_000, durationSeconds: 60, shards: { jobs: 4, companies: 4, enriched: 4 }, window: { maxBatchSize: 500, windowMs: 1_000 } });
    expect(quick.durationSeconds).toBe(15);
    expect(stateCostOptions(true, 30).durationSeconds).toBe(30);
    expect(full.runs.map(runName)).toEqual(['zipf(1.1)', 'zipf(1.1), fresh processor per batch', 'uniform']);
  });
});
