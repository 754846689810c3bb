import { counterOf, countersByDimension, lastRunnerMetrics } from './runner-log';

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
