import { InMemoryMetrics } from './in-memory-metrics';

describe('InMemoryMetrics', () => {
  it('adds counts, one by default', () => {
    // Prepare
    const metrics = new InMemoryMetrics();

    // Act
    metrics.count('RecordsIn');
    metrics.count('RecordsIn', 4);

    // Assess
    expect(metrics.counter('RecordsIn')).toBe(5);
  });

  it('counts a dimensioned metric under its bare name and under Name{k=v,…}', () => {
    // Prepare
    const metrics = new InMemoryMetrics();

    // Act
    metrics.count('DeadLetters', 1, { reason: 'score-failed' });
    metrics.count('DeadLetters', 2, { reason: 'unknown-company' });
    metrics.count('Retries', 3, { dependency: 'churn', attempt: '2' });

    // Assess
    expect(metrics.counter('DeadLetters')).toBe(3);
    expect(metrics.counter('DeadLetters{reason=score-failed}')).toBe(1);
    expect(metrics.counter('DeadLetters{reason=unknown-company}')).toBe(2);
    expect(metrics.counter('Retries{dependency=churn,attempt=2}')).toBe(3);
  });

  it('answers 0 for a counter never counted', () => {
    // Act / Assess
    expect(new InMemoryMetrics().counter('Enriched')).toBe(0);
  });

  it('summarises observations with count, sum, min and max, per dimension too', () => {
    // Prepare
    const metrics = new InMemoryMetrics();

    // Act
    for (const value of [12, 3, 40]) metrics.observe('ScoringLatencyMs', value);
    metrics.observe('MillisBehindLatest', 500, { laneId: 'bigdatajobs/shardId-000000000000' });

    // Assess
    expect(metrics.snapshot().observations).toEqual({
      ScoringLatencyMs: { count: 3, sum: 55, min: 3, max: 40 },
      MillisBehindLatest: { count: 1, sum: 500, min: 500, max: 500 },
      'MillisBehindLatest{laneId=bigdatajobs/shardId-000000000000}': { count: 1, sum: 500, min: 500, max: 500 },
    });
  });

  it('keeps counters and observations apart', () => {
    // Prepare
    const metrics = new InMemoryMetrics();

    // Act
    metrics.observe('ScoringBatchSize', 25);
    metrics.count('ScoringCalls');

    // Assess
    expect(metrics.counter('ScoringBatchSize')).toBe(0);
    expect(metrics.snapshot()).toEqual({ counters: { ScoringCalls: 1 }, observations: { ScoringBatchSize: { count: 1, sum: 25, min: 25, max: 25 } } });
  });

  it('gives a snapshot that later counts do not change', () => {
    // Prepare
    const metrics = new InMemoryMetrics();
    metrics.count('Enriched', 2);
    const snapshot = metrics.snapshot();

    // Act
    metrics.count('Enriched', 5);

    // Assess
    expect(snapshot.counters).toEqual({ Enriched: 2 });
  });
});
