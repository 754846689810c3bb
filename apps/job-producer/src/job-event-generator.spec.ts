import { decodeJobEvent } from '@tenant-analytics/domain';
import { UsageError } from './errors';
import { createJobEventGenerator, type GeneratedRecord, type JobEventGeneratorOptions } from './job-event-generator';

const START_MS = Date.parse('2026-11-25T10:00:00.000Z');
const COMPANIES = ['comp_0', 'comp_1', 'comp_2', 'comp_3'];
const text = (record: GeneratedRecord) => Buffer.from(record.data).toString('utf8');

/** `count` records scheduled 10 ms apart from {@link START_MS}. */
function generate(count: number, overrides: Partial<JobEventGeneratorOptions> = {}): GeneratedRecord[] {
  const next = createJobEventGenerator({ companyIds: COMPANIES, runId: 'run1', seed: 7, ...overrides });
  return Array.from({ length: count }, (_, index) => next(START_MS + index * 10));
}

describe('createJobEventGenerator', () => {
  it('gives the same bytes for the same seed and a different stream for another seed', () => {
    const options = { invalidRatio: 0.1, duplicateRatio: 0.05, outOfOrderRatio: 0.2 };

    const first = generate(500, options);
    const again = generate(500, options);
    const otherSeed = generate(500, { ...options, seed: 8 });

    expect(again.map(text)).toEqual(first.map(text));
    expect(again.map((record) => record.outcome)).toEqual(first.map((record) => record.outcome));
    expect(otherSeed.map(text)).not.toEqual(first.map(text));
  });

  it('writes valid JSON events with eventID <runId>-<n>, sentAt = scheduled time and partition key = companyID', () => {
    const records = generate(50);

    records.forEach((record, index) => {
      const scheduledAt = new Date(START_MS + index * 10).toISOString();
      const result = decodeJobEvent(record.data, { arrivalTime: new Date(START_MS), now: new Date(START_MS + 60_000) });
      expect(result).toMatchObject({ ok: true, value: { eventID: `run1-${index}`, sentAt: scheduledAt, creationDate: scheduledAt, format: 'json' } });
      expect(record).toMatchObject({ sequence: index, eventID: `run1-${index}`, sentAt: scheduledAt, outcome: { type: 'valid', outOfOrder: false } });
      expect(result.ok && result.value.companyID).toBe(record.partitionKey);
      expect(COMPANIES).toContain(record.partitionKey);
    });
  });

  it('writes CSV events with the four columns only', () => {
    const records = generate(20, { format: 'csv' });

    for (const record of records) {
      expect(text(record)).toMatch(/^comp_\d,user_\d+,\d+,2026-11-25T10:00:\d\d\.\d{3}Z$/);
      expect(record.eventID).toBeUndefined();
    }
  });

  it('mixes in bad records at the requested ratio, each with a reason the decoder gives', () => {
    const records = generate(20_000, { invalidRatio: 0.05 });

    const invalid = records.filter((record) => record.outcome.type === 'invalid');
    // 5% of 20,000 = 1,000; four standard deviations of the binomial are about ±123.
    expect(invalid.length).toBeGreaterThan(877);
    expect(invalid.length).toBeLessThan(1_123);
    const now = new Date(START_MS + 600_000);
    for (const record of invalid) {
      if (record.outcome.type !== 'invalid' || record.outcome.reason === 'unknown-company') continue;
      expect(decodeJobEvent(record.data, { arrivalTime: now, now })).toMatchObject({ ok: false, reason: record.outcome.reason });
    }
    expect(new Set(invalid.map((record) => record.outcome.type === 'invalid' && record.outcome.kind)).size).toBeGreaterThan(10);
  });

  it('re-sends earlier valid records byte for byte, with their eventID', () => {
    const records = generate(5_000, { duplicateRatio: 0.1 });

    const duplicates = records.filter((record) => record.outcome.type === 'duplicate');
    expect(duplicates.length).toBeGreaterThan(400);
    expect(duplicates.length).toBeLessThan(600);
    for (const duplicate of duplicates) {
      const original = records[duplicate.outcome.type === 'duplicate' ? duplicate.outcome.duplicateOf : -1];
      expect(original?.outcome.type).toBe('valid');
      expect(original?.sequence).toBeLessThan(duplicate.sequence);
      expect(duplicate.eventID).toBe(original?.eventID);
      expect(text(duplicate)).toBe(text(original as GeneratedRecord));
    }
    const uniqueEventIds = new Set(records.filter((record) => record.outcome.type !== 'duplicate').map((record) => record.eventID));
    expect(uniqueEventIds.size).toBe(records.length - duplicates.length);
  });

  it('moves creationDate of out-of-order events back by up to the maximum, keeping sentAt', () => {
    const records = generate(5_000, { outOfOrderRatio: 0.3, maxOutOfOrderHours: 2 });

    const late = records.filter((record) => record.outcome.type === 'valid' && record.outcome.outOfOrder);
    expect(late.length).toBeGreaterThan(1_350);
    expect(late.length).toBeLessThan(1_650);
    for (const record of late) {
      const event = JSON.parse(text(record)) as { creationDate: string; sentAt: string };
      const shiftMs = Date.parse(event.sentAt) - Date.parse(event.creationDate);
      expect(event.sentAt).toBe(record.sentAt);
      expect(shiftMs).toBeGreaterThanOrEqual(0);
      expect(shiftMs).toBeLessThanOrEqual(2 * 3_600_000);
    }
    expect(Math.max(...late.map((record) => Date.parse(record.sentAt) - Date.parse((JSON.parse(text(record)) as { creationDate: string }).creationDate)))).toBeGreaterThan(3_600_000);
  });

  it.each([
    [{ invalidRatio: 1.5 }, '--invalid-ratio'],
    [{ duplicateRatio: -0.1 }, '--duplicate-ratio'],
    [{ outOfOrderRatio: Number.NaN }, '--out-of-order-ratio'],
    [{ invalidRatio: 0.6, duplicateRatio: 0.6 }, '--duplicate-ratio'],
    [{ format: 'csv', duplicateRatio: 0.1 }, '--duplicate-ratio'],
    [{ maxOutOfOrderHours: 0 }, '--max-out-of-order-hours'],
    [{ maxOutOfOrderHours: 24 * 400 }, '--max-out-of-order-hours'],
    [{ runId: 'has space' }, '--run-id'],
    [{ companyIds: [] }, '--companies'],
  ] as const)('rejects %j naming %s', (overrides, flag) => {
    expect(() => createJobEventGenerator({ companyIds: COMPANIES, runId: 'run1', seed: 1, ...overrides })).toThrow(
      expect.objectContaining({ constructor: UsageError, flag }),
    );
  });
});
