import fc from 'fast-check';
import { companyStateSchema } from '@tenant-analytics/domain';
import {
  DAY_MS,
  advanceWatermark,
  applyJobEvent,
  applyLookupProfile,
  applySnapshot,
  compareSequence,
  emptyCompanyState,
  epochDay,
  isApplied,
  padSequence,
  eventDigest,
  hasSeenEvent,
  type CompanyProfile,
  type CompanyState,
} from './company-state';

const profile: CompanyProfile = { industry: 'gov', revenu: 1000, employees: 500, job30: 5, job90: 20, monthlyFee: 300, totalFee: 900, riskOfChurn: false };
const asOf = '2026-11-01T12:00:00.000Z';
const day = (iso: string) => epochDay(iso);
const at = (daysAfterAsOf: number) => new Date(Date.parse('2026-11-01T00:00:00Z') + daysAfterAsOf * DAY_MS + 3_600_000).toISOString();

function withProfile(): CompanyState {
  return applyLookupProfile(emptyCompanyState('comp_1'), profile, asOf);
}

describe('epochDay', () => {
  it("is Date.parse's day for any timestamp in toISOString's form", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) => {
        expect(epochDay(date.toISOString())).toBe(Math.floor(Date.parse(date.toISOString()) / DAY_MS));
      }),
    );
  });

  it('is Date.parse\'s day (or NaN) for strings of that shape with any fields: days past the month\'s end roll over, hour 24, month 13, letters', () => {
    // Mostly around the valid range (so that one field at a time is just out of it), sometimes anything.
    const field = (digits: number, max: number) =>
      fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 0, max }).map((value) => String(value).padStart(digits, '0')) },
        { weight: 1, arbitrary: fc.string({ minLength: digits, maxLength: digits }) },
      );
    const shaped = fc
      .tuple(field(4, 9_999), field(2, 13), field(2, 33), field(2, 25), field(2, 61), field(2, 61), field(3, 999))
      .map(([year, month, day, hour, minute, second, ms]) => `${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}Z`);
    fc.assert(
      fc.property(shaped, (iso) => {
        expect(epochDay(iso)).toBe(Math.floor(Date.parse(iso) / DAY_MS));
      }),
      { numRuns: 2_000 },
    );
    expect(epochDay('2026-02-31T00:00:00.000Z')).toBe(epochDay('2026-03-03T00:00:00.000Z'));
  });
});

describe('applyJobEvent', () => {
  it('adds the event to the profile counts (the seed: job30 + #jobs, job90 + #jobs)', () => {
    // Act
    const { counts } = applyJobEvent(withProfile(), { eventTime: at(0), nbJobs: 3 });

    // Assess
    expect(counts).toEqual({ job30: 8, job90: 23, counted: true });
  });

  it('keeps profile.job30 while the event is less than 30 days after the snapshot, and drops it at 30', () => {
    const state = withProfile();
    expect(applyJobEvent(state, { eventTime: at(29), nbJobs: 1 }).counts.job30).toBe(6);
    expect(applyJobEvent(state, { eventTime: at(30), nbJobs: 1 }).counts.job30).toBe(1);
    expect(applyJobEvent(state, { eventTime: at(89), nbJobs: 1 }).counts.job90).toBe(21);
    expect(applyJobEvent(state, { eventTime: at(90), nbJobs: 1 }).counts.job90).toBe(1);
  });

  it('sums buckets D-29..D for job30 and D-89..D for job90', () => {
    // Prepare: 2 jobs on day 0, then an event on day 29 and one on day 30
    let state = applyJobEvent(withProfile(), { eventTime: at(0), nbJobs: 2 }).state;

    // Act
    const day29 = applyJobEvent(state, { eventTime: at(29), nbJobs: 1 });
    state = day29.state;
    const day30 = applyJobEvent(state, { eventTime: at(30), nbJobs: 1 });

    // Assess: day 0 is inside D-29..D for D = 29, outside for D = 30
    expect(day29.counts.job30).toBe(5 + 2 + 1);
    expect(day30.counts.job30).toBe(0 + 1 + 1);
    expect(day30.counts.job90).toBe(20 + 2 + 1 + 1);
  });

  it('does not count buckets after the event day (events later in event time applied earlier)', () => {
    const later = applyJobEvent(withProfile(), { eventTime: at(10), nbJobs: 7 }).state;

    const earlier = applyJobEvent(later, { eventTime: at(5), nbJobs: 1 });

    expect(earlier.counts).toEqual({ job30: 6, job90: 21, counted: true });
    expect(earlier.state.buckets[day(at(10))]).toBe(7);
  });

  it('outputs but does not count an event more than 89 days before the newest day', () => {
    const recent = applyJobEvent(withProfile(), { eventTime: at(100), nbJobs: 1 }).state;

    const old = applyJobEvent(recent, { eventTime: at(10), nbJobs: 4 });

    expect(old.counts.counted).toBe(false);
    expect(old.state.buckets[day(at(10))]).toBeUndefined();
  });

  it('drops buckets that leave the 90-day window of the newest day', () => {
    const first = applyJobEvent(withProfile(), { eventTime: at(1), nbJobs: 1 }).state;

    const { state } = applyJobEvent(first, { eventTime: at(91), nbJobs: 1 });

    expect(Object.keys(state.buckets).map(Number)).toEqual([day(at(91))]);
  });

  it('fails for a company without a profile', () => {
    expect(() => applyJobEvent(emptyCompanyState('comp_9'), { eventTime: at(0), nbJobs: 1 })).toThrow(/needs a profile/);
  });

  it('never puts more jobs in buckets than were submitted, and job30 never exceeds job90', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ offset: fc.integer({ min: -200, max: 200 }), nbJobs: fc.integer({ min: 1, max: 100_000 }) }), { maxLength: 60 }), (events) => {
        let state = withProfile();
        let submitted = 0;
        for (const event of events) {
          const result = applyJobEvent(state, { eventTime: at(event.offset), nbJobs: event.nbJobs });
          state = result.state;
          submitted += event.nbJobs;
          expect(result.counts.job30).toBeLessThanOrEqual(result.counts.job90);
        }
        const inBuckets = Object.values(state.buckets).reduce((sum, n) => sum + n, 0);
        expect(inBuckets).toBeLessThanOrEqual(submitted);
      }),
    );
  });
});

describe('applySnapshot', () => {
  it('replaces the profile and drops buckets before the snapshot day when newer', () => {
    let state = applyJobEvent(withProfile(), { eventTime: at(2), nbJobs: 2 }).state;
    state = applyJobEvent(state, { eventTime: at(6), nbJobs: 3 }).state;
    const newer = { ...profile, job30: 40 };

    const result = applySnapshot(state, newer, at(5));

    expect(result.outcome).toBe('applied');
    expect(result.state.profile).toEqual(newer);
    expect(result.state.buckets).toEqual({ [day(at(6))]: 3 });
  });

  it('ignores an older or equal snapshot', () => {
    const state = withProfile();
    expect(applySnapshot(state, { ...profile, job30: 1 }, '2026-10-01T00:00:00Z').outcome).toBe('stale');
    expect(applySnapshot(state, { ...profile, job30: 1 }, asOf)).toEqual({ state, outcome: 'stale' });
  });
});

describe('applyLookupProfile', () => {
  it('does not replace an existing profile', () => {
    const state = withProfile();
    expect(applyLookupProfile(state, { ...profile, job30: 99 }, at(3))).toBe(state);
  });
});

describe('hasSeenEvent (items of the layout before the dedupe window)', () => {
  const HOUR = 3_600_000;
  const legacy = (ids: readonly string[], expiresAt: number): CompanyState => ({ ...emptyCompanyState('c'), recentEventDigests: [[expiresAt, ids.map(eventDigest).join('')]] });

  it('finds an id among the digests until their expiry', () => {
    const state = legacy(['a', 'b'], HOUR);

    expect(hasSeenEvent(state, 'b', HOUR - 1)).toBe(true);
    expect(hasSeenEvent(state, 'b', HOUR)).toBe(false);
    expect(hasSeenEvent(state, 'c', 0)).toBe(false);
    expect(companyStateSchema.safeParse(state).success).toBe(true);
  });

  it('matches a digest only at a digest boundary', () => {
    const straddling = `zzzzz${eventDigest('a')}zzzzzz`; // two slots, 'a' across their boundary

    expect(hasSeenEvent({ ...emptyCompanyState('c'), recentEventDigests: [[HOUR, straddling]] }, 'a', 0)).toBe(false);
  });

  it('answers false for an item of the current layout', () => {
    expect(hasSeenEvent(emptyCompanyState('c'), 'a', 0)).toBe(false);
  });
});

describe('watermarks', () => {
  it('compares sequence numbers numerically, not as text', () => {
    expect(compareSequence('9', '10')).toBe(-1);
    expect(compareSequence(padSequence('120'), '119')).toBe(1);
    expect(compareSequence('120', padSequence('120'))).toBe(0);
    expect(compareSequence('21', '19')).toBe(1);
    expect(compareSequence('49600000000000000000000000000000000000000000000001', '49600000000000000000000000000000000000000000000001')).toBe(0);
  });

  it('never moves back and marks covered sequence numbers as applied', () => {
    const state = { ...emptyCompanyState('c'), watermarks: advanceWatermark({}, 'jobs/shard-1', '200') };

    expect(advanceWatermark(state.watermarks, 'jobs/shard-1', '100')).toBe(state.watermarks);
    expect(isApplied(state, 'jobs/shard-1', '150')).toBe(true);
    expect(isApplied(state, 'jobs/shard-1', '201')).toBe(false);
    expect(isApplied(state, 'jobs/shard-2', '1')).toBe(false);
  });

  it("drops the lane's other epochs, the bare lane id of the layout before epochs included, and no other lane's", () => {
    const watermarks = { 'jobs/shard-1': '7', 'jobs/shard-1@e1': '9', 'jobs/shard-10@e1': '5', 'jobs/shard-2@e1': '3' };

    expect(advanceWatermark(watermarks, 'jobs/shard-1@e2', '4')).toEqual({ 'jobs/shard-10@e1': '5', 'jobs/shard-2@e1': '3', 'jobs/shard-1@e2': padSequence('4') });
    // Nothing to drop and not ahead: the same object.
    const current = { 'jobs/shard-1@e2': padSequence('4'), 'jobs/shard-2@e1': '3' };
    expect(advanceWatermark(current, 'jobs/shard-1@e2', '4')).toBe(current);
  });
});
