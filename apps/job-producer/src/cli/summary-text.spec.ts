import type { SendSummary } from '../send-job-events';
import { formatSeedSummary, formatSendSummary } from './summary-text';

const summary: SendSummary = {
  runId: 'run1',
  streamName: 'bigdatajobs',
  format: 'json',
  seed: 42,
  startedAt: '2026-11-25T10:00:00.000Z',
  finishedAt: '2026-11-25T10:00:20.000Z',
  durationMs: 20_000,
  requested: 20_000,
  targetRatePerSecond: 1_000,
  sent: 20_000,
  accepted: 20_000,
  rejected: 0,
  retriedEntries: 12,
  putRecordsCalls: 401,
  achievedRatePerSecond: 999.9,
  maxScheduleLagMs: 35,
  valid: 19_600,
  outOfOrder: 1_000,
  duplicates: 200,
  invalid: { total: 200, byReason: { 'bad-format': 40, 'out-of-range': 120, 'malformed-json': 40 }, byKind: { 'nb-jobs-zero': 120 } },
  interrupted: false,
};

describe('formatSendSummary', () => {
  it('prints the counts, the rates and the invalid records by reason, most frequent first', () => {
    const text = formatSendSummary(summary);

    expect(text).toContain('Run run1 → bigdatajobs (json, seed 42)\n');
    expect(text).toContain('sent           20,000 of 20,000 records in 20 s');
    expect(text).toContain('accepted       20,000  (not accepted 0, retried entries 12, PutRecords calls 401)');
    expect(text).toContain('target 1,000/s, achieved 999.9/s, max schedule lag 35 ms');
    expect(text).toContain('invalid        200 (out-of-range 120, bad-format 40, malformed-json 40)');
    expect(text).not.toContain('INTERRUPTED');
  });

  it('says when the rate was unlimited and the run interrupted', () => {
    const text = formatSendSummary({ ...summary, targetRatePerSecond: null, interrupted: true });

    expect(text).toContain('target unlimited');
    expect(text).toContain('INTERRUPTED');
  });
});

describe('formatSeedSummary', () => {
  it('prints what was published', () => {
    const text = formatSeedSummary({ streamName: 'companies', seed: 42, size: 10_000, asOf: '2026-11-25T10:00:00.000Z', sent: 10_000, accepted: 10_000, rejected: 0, retriedEntries: 3, putRecordsCalls: 21, durationMs: 1_500 });

    expect(text).toContain('Seeded 10,000 of 10,000 company snapshots → companies (seed 42, asOf 2026-11-25T10:00:00.000Z) in 1.5 s');
    expect(text).toContain('retried entries 3, not accepted 0, PutRecords calls 21');
  });
});
