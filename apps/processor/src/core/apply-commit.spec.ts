import { generateCompany, rememberedEventCount } from '@tenant-analytics/domain';
import fc from 'fast-check';
import { applyCommit, completeJobsCommit, type DedupeSettings } from './apply-commit';
import { DAY_MS, applyJobEvent, applyLookupProfile, emptyCompanyState, epochDay, isApplied, padSequence, type CompanyProfile, type CompanyState } from './company-state';
import type { CommittedJob, CompanyCommit } from './pending-batch';

const LANE = 'bigdatajobs/shardId-000000000000';
const NOW_MS = Date.parse('2026-11-25T10:00:00Z');
const DEDUPE: DedupeSettings = { windowMs: 3_600_000 };

function profileFactory(index = 1, overrides: Partial<CompanyProfile> = {}): CompanyProfile {
  const { companyID: _id, ...profile } = generateCompany(42, index);
  return { ...profile, ...overrides };
}

/** comp_1 with a snapshot profile as of the day before NOW. */
function stateFactory(overrides: Partial<CompanyState> = {}): CompanyState {
  return { ...emptyCompanyState('comp_1'), version: 3, profile: profileFactory(), asOf: '2026-11-24T00:00:00.000Z', profileSource: 'snapshot', ...overrides };
}

function jobFactory(sequenceNumber: string, overrides: Partial<CommittedJob> = {}): CommittedJob {
  return { sequenceNumber, eventTime: '2026-11-25T09:00:00.000Z', nbJobs: 2, ...overrides };
}

const today = epochDay('2026-11-25T09:00:00.000Z');

describe('applyCommit', () => {
  it('adds the jobs to their day buckets, advances the watermark, remembers event ids and sets the last score', () => {
    // Prepare
    const lastScore = { probability: 0.8, churn: true, at: '2026-11-25T10:00:00.000Z' };
    const commit: CompanyCommit = {
      companyID: 'comp_1',
      jobs: [jobFactory('100', { eventID: 'e1' }), jobFactory('110', { nbJobs: 3 }), jobFactory('120', { eventID: 'e2', eventTime: '2026-11-24T23:00:00.000Z' })],
      lastScore,
    };

    // Act
    const result = applyCommit(stateFactory(), commit, LANE, NOW_MS, DEDUPE);

    // Assess
    expect(result).toMatchObject({ staleSnapshots: 0, appliedSnapshots: 0 });
    expect(result.next).toMatchObject({
      buckets: { [today]: 5, [today - 1]: 2 },
      newestDay: today,
      watermarks: { [LANE]: padSequence('120') },
      lastScore,
      profile: profileFactory(),
      version: 3,
    });
    // Producer ids live in the lane's dedupe window, not in the item.
    expect(rememberedEventCount(result.next as CompanyState)).toBe(0);
  });

  it('prunes the remembered ids of an item of the earlier layout to those applied within the window', () => {
    // Prepare: legacy groups expire 7 days after their ids were applied
    const appliedMinutesAgo = (minutes: number) => NOW_MS - minutes * 60_000 + 7 * DAY_MS;
    const state = stateFactory({ recentEventDigests: [[appliedMinutesAgo(120), 'AAAAAAAAAAA'], [appliedMinutesAgo(10), 'BBBBBBBBBBB']] });

    // Act
    const result = applyCommit(state, { companyID: 'comp_1', jobs: [jobFactory('5')] }, LANE, NOW_MS, DEDUPE);

    // Assess
    expect(result.next?.recentEventDigests).toEqual([[appliedMinutesAgo(10), 'BBBBBBBBBBB']]);
  });

  it('leaves other lanes watermarks and remembers nothing for jobs without an event id', () => {
    // Prepare
    const state = stateFactory({ watermarks: { 'bigdatajobs/shardId-000000000001': padSequence('999') } });

    // Act
    const result = applyCommit(state, { companyID: 'comp_1', jobs: [jobFactory('5')] }, LANE, NOW_MS, DEDUPE);

    // Assess
    expect(result.next?.watermarks).toEqual({ 'bigdatajobs/shardId-000000000001': padSequence('999'), [LANE]: padSequence('5') });
    expect(result.next?.recentEventDigests).toBeUndefined();
    expect(result.next?.lastScore).toBeUndefined();
  });

  it.each([
    ['at', '120'],
    ['above', '500'],
  ])('changes nothing when the watermark is %s the last job (a replay)', (_where, watermark) => {
    // Prepare
    const state = stateFactory({ watermarks: { [LANE]: padSequence(watermark) } });
    const commit: CompanyCommit = {
      companyID: 'comp_1',
      lookup: { profile: profileFactory(2), asOf: '2026-11-25T10:00:00.000Z' },
      jobs: [jobFactory('100', { eventID: 'e1' }), jobFactory('120')],
      lastScore: { probability: 0.1, churn: false, at: '2026-11-25T10:00:00.000Z' },
    };

    // Act
    const result = applyCommit(state, commit, LANE, NOW_MS, DEDUPE);

    // Assess
    expect(result).toEqual({ next: undefined, staleSnapshots: 0, appliedSnapshots: 0 });
  });

  it('applies newer snapshots and counts older ones as stale', () => {
    // Prepare: state as of 11-24 with a bucket on 11-23 (dropped by a snapshot as of 11-24 12:00)
    const state = stateFactory({ buckets: { [today - 2]: 4, [today - 1]: 1 }, newestDay: today - 1 });
    const newer = profileFactory(3);
    const commit: CompanyCommit = {
      companyID: 'comp_1',
      snapshots: [
        { profile: profileFactory(4), asOf: '2026-11-20T00:00:00.000Z' },
        { profile: newer, asOf: '2026-11-24T12:00:00.000Z' },
        { profile: profileFactory(5), asOf: '2026-11-24T06:00:00.000Z' },
      ],
    };

    // Act
    const result = applyCommit(state, commit, LANE, NOW_MS, DEDUPE);

    // Assess
    expect(result.staleSnapshots).toBe(2);
    expect(result.appliedSnapshots).toBe(1);
    expect(result.next).toMatchObject({ profile: newer, asOf: '2026-11-24T12:00:00.000Z', profileSource: 'snapshot', buckets: { [today - 1]: 1 } });
  });

  it('changes nothing when every snapshot is stale, but still counts them', () => {
    // Act
    const result = applyCommit(stateFactory(), { companyID: 'comp_1', snapshots: [{ profile: profileFactory(4), asOf: '2026-11-24T00:00:00.000Z' }] }, LANE, NOW_MS, DEDUPE);

    // Assess
    expect(result).toEqual({ next: undefined, staleSnapshots: 1, appliedSnapshots: 0 });
  });

  it('takes the looked-up profile when the company has none', () => {
    // Prepare
    const state = { ...emptyCompanyState('comp_1'), version: 0 };
    const lookup = { profile: profileFactory(2), asOf: '2026-11-25T10:00:00.000Z' };

    // Act
    const result = applyCommit(state, { companyID: 'comp_1', lookup, jobs: [jobFactory('7')] }, LANE, NOW_MS, DEDUPE);

    // Assess
    expect(result.next).toMatchObject({ profile: lookup.profile, asOf: lookup.asOf, profileSource: 'lookup', buckets: { [today]: 2 } });
  });

  it('keeps the existing profile when a lookup result arrives for a company that has one', () => {
    // Prepare: a snapshot landed between the batch's computation and its commit
    const state = stateFactory();
    const lookup = { profile: profileFactory(2), asOf: '2026-11-25T10:00:00.000Z' };

    // Act
    const result = applyCommit(state, { companyID: 'comp_1', lookup, jobs: [jobFactory('7')] }, LANE, NOW_MS, DEDUPE);

    // Assess
    expect(result.next).toMatchObject({ profile: state.profile, asOf: state.asOf, profileSource: 'snapshot' });
  });

  it('rejects jobs for a company without any profile', () => {
    // Act / Assess
    expect(() => applyCommit(emptyCompanyState('comp_1'), { companyID: 'comp_1', jobs: [jobFactory('7')] }, LANE, NOW_MS, DEDUPE)).toThrow(/needs a profile/);
  });

  describe('property', () => {
    const BASE_DAY = today;
    const isoOfDay = (day: number, hour: number) => new Date(day * DAY_MS + hour * 3_600_000).toISOString();
    const profileArb = fc.nat({ max: 500 }).map((index) => profileFactory(index));
    const timeArb = fc.record({ day: fc.integer({ min: BASE_DAY - 120, max: BASE_DAY }), hour: fc.integer({ min: 0, max: 23 }) }).map(({ day, hour }) => isoOfDay(day, hour));
    const scoreArb = fc.record({ probability: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), churn: fc.option(fc.boolean(), { nil: null }), at: fc.constant('2026-11-25T10:00:00.000Z') });

    /** A state and a commit that a batch could produce for it (jobs need a profile from somewhere). */
    const caseArb = fc
      .record({
        stateProfile: fc.option(fc.record({ profile: profileArb, asOf: timeArb }), { nil: undefined }),
        buckets: fc.dictionary(fc.integer({ min: BASE_DAY - 89, max: BASE_DAY }).map(String), fc.integer({ min: 1, max: 50 }), { maxKeys: 5 }),
        firstSequence: fc.bigInt({ min: 2n, max: 10n ** 30n }),
        gaps: fc.array(fc.integer({ min: 1, max: 1_000 }), { maxLength: 6 }),
        watermark: fc.constantFrom('none', 'below', 'at-or-above'),
        jobTimes: fc.array(fc.record({ time: timeArb, nbJobs: fc.integer({ min: 1, max: 100 }), eventID: fc.option(fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5'), { nil: undefined }) }), { minLength: 7, maxLength: 7 }),
        withJobs: fc.boolean(),
        lookup: fc.option(fc.record({ profile: profileArb, asOf: timeArb }), { nil: undefined }),
        snapshots: fc.array(fc.record({ profile: profileArb, asOf: timeArb }), { maxLength: 3 }),
        lastScore: fc.option(scoreArb, { nil: undefined }),
        laterMs: fc.integer({ min: 0, max: 10 * DAY_MS }),
      })
      .filter(({ stateProfile, lookup, snapshots, withJobs }) => !withJobs || stateProfile !== undefined || lookup !== undefined || snapshots.length > 0)
      .map((input) => {
        const sequences = [input.firstSequence];
        for (const gap of input.gaps) sequences.push((sequences.at(-1) ?? 0n) + BigInt(gap));
        const jobs: CommittedJob[] = input.withJobs
          ? sequences.map((sequence, index) => {
              const { time, nbJobs, eventID } = input.jobTimes[index] ?? { time: isoOfDay(BASE_DAY, 0), nbJobs: 1, eventID: undefined };
              return { sequenceNumber: sequence.toString(), eventTime: time, nbJobs, ...(eventID === undefined ? {} : { eventID }) };
            })
          : [];
        const last = sequences.at(-1) ?? input.firstSequence;
        const watermark = input.watermark === 'none' ? undefined : input.watermark === 'below' ? input.firstSequence - 1n : last + BigInt(input.gaps.length % 2);
        const state: CompanyState = {
          ...emptyCompanyState('comp_1'),
          version: 5,
          ...(input.stateProfile === undefined ? {} : { profile: input.stateProfile.profile, asOf: input.stateProfile.asOf, profileSource: 'snapshot' as const }),
          buckets: Object.fromEntries(Object.entries(input.buckets).map(([day, count]) => [Number(day), count])),
          newestDay: BASE_DAY,
          watermarks: watermark === undefined ? {} : { [LANE]: padSequence(watermark.toString()) },
        };
        const commit: CompanyCommit = {
          companyID: 'comp_1',
          ...(input.lookup === undefined ? {} : { lookup: input.lookup }),
          ...(input.snapshots.length === 0 ? {} : { snapshots: input.snapshots }),
          ...(jobs.length === 0 ? {} : { jobs }),
          ...(input.lastScore === undefined ? {} : { lastScore: input.lastScore }),
        };
        return { state, commit, laterMs: input.laterMs };
      });

    it('applying the same commit twice equals applying it once', () => {
      fc.assert(
        fc.property(caseArb, ({ state, commit, laterMs }) => {
          // Act
          const once = applyCommit(state, commit, LANE, NOW_MS, DEDUPE);
          const afterOnce = once.next ?? state;
          const twice = applyCommit(afterOnce, commit, LANE, NOW_MS + laterMs, DEDUPE);

          // Assess
          expect(twice.next).toBeUndefined();
          expect(twice.appliedSnapshots).toBe(0);
        }),
        { numRuns: 300 },
      );
    });

    it('completing a commit on the state advanced job by job equals applying it (what the core plans)', () => {
      fc.assert(
        fc.property(
          caseArb.filter(({ state, commit }) => commit.snapshots === undefined && (commit.jobs ?? []).length > 0 && (state.profile !== undefined || commit.lookup !== undefined)),
          ({ state, commit }) => {
            // Prepare: what computeJobs does before planning: lookup profile, then each job
            const lastJob = commit.jobs?.at(-1);
            fc.pre(lastJob !== undefined && !isApplied(state, LANE, lastJob.sequenceNumber));
            let advanced = commit.lookup === undefined ? state : applyLookupProfile(state, commit.lookup.profile, commit.lookup.asOf);
            for (const job of commit.jobs ?? []) advanced = applyJobEvent(advanced, job).state;

            // Act
            const planned = completeJobsCommit(advanced, commit, LANE, NOW_MS, DEDUPE);

            // Assess
            expect(planned).toEqual(applyCommit(state, commit, LANE, NOW_MS, DEDUPE).next);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
