import { decodeJobEvent, generateCompanies, type Company } from '@tenant-analytics/domain';
import { jobEvent, kinesisRecordFactory } from '../testing/factories';
import { emptyCompanyState } from './company-state';
import { dedupeSegmentOf, eventKeyDigest, segmentWith } from './dedupe-window';
import { planJobs, scoredOutputs, type DecodedJob } from './job-batch-plan';
import type { PendingBatch } from './pending-batch';

const companies = generateCompanies(42, 5);
const comp1 = companies[1] as Company;
const NOW = new Date('2026-11-25T10:00:05Z');

function decodedJobs(...events: Parameters<typeof jobEvent>[0][]): DecodedJob[] {
  const record = kinesisRecordFactory('bigdatajobs');
  return events.map((overrides) => {
    const input = record(jobEvent(overrides));
    const decoded = decodeJobEvent(input.data, { arrivalTime: input.arrivalTime, now: NOW });
    if (!decoded.ok) throw new Error(decoded.message);
    return { record: input, event: decoded.value };
  });
}

describe('planJobs', () => {
  const found = { status: 'found' as const, company: comp1, answeredAt: '2026-11-25T09:59:00.000Z' };

  it('applies each event in order, skipping producer duplicates in the batch and remembered ones', () => {
    // Prepare
    const events = decodedJobs({ eventID: 'a', nbJobs: 1 }, { eventID: 'a', nbJobs: 2 }, { eventID: 'old', nbJobs: 4 }, { nbJobs: 8 });

    // Act
    const plan = planJobs(new Map([['comp_1', events]]), {
      states: new Map(),
      lookups: new Map([['comp_1', found]]),
      isDuplicate: (_digest, eventID) => eventID === 'old',
      now: NOW,
    });

    // Assess
    expect(plan.duplicates).toBe(2);
    expect(plan.candidates.map((candidate) => candidate.company.job30)).toEqual([comp1.job30 + 1, comp1.job30 + 9]);
    expect(plan.companies.get('comp_1')).toMatchObject({ lookup: { asOf: found.answeredAt }, jobs: [{ nbJobs: 1, eventID: 'a' }, { nbJobs: 8 }] });
  });

  it("gives the digests of the applied event ids, which are the batch's dedupe segment", () => {
    // Prepare: the remembered duplicate is checked by its digest
    const checked: [number, string][] = [];
    const events = (companyID: string) => decodedJobs({ companyID, eventID: 'x' }, { companyID, eventID: 'old' }, { companyID }, { companyID, eventID: 'y' });

    // Act
    const plan = planJobs(
      new Map([
        ['comp_1', events('comp_1')],
        ['comp_2', events('comp_2')],
      ]),
      {
        states: new Map(),
        lookups: new Map(['comp_1', 'comp_2'].map((id) => [id, { ...found, company: { ...comp1, companyID: id } }])),
        isDuplicate: (digest, eventID) => {
          checked.push([digest, eventID]);
          return eventID === 'old';
        },
        now: NOW,
      },
    );

    // Assess
    expect(checked).toContainEqual([eventKeyDigest('comp_2', 'old'), 'old']);
    const pending = { id: 'lane/1-8', createdAt: NOW.toISOString(), commits: [...plan.companies].map(([companyID, company]) => ({ companyID, jobs: company.jobs })) };
    const digests = [...plan.companies.values()].flatMap((company) => company.eventDigests);
    expect(digests).toEqual([eventKeyDigest('comp_1', 'x'), eventKeyDigest('comp_1', 'y'), eventKeyDigest('comp_2', 'x'), eventKeyDigest('comp_2', 'y')]);
    expect(segmentWith(pending as unknown as PendingBatch, digests)).toEqual(dedupeSegmentOf(pending as unknown as PendingBatch));
  });

  it('dead-letters every record of a company unknown to the tenant manager or whose lookup failed', () => {
    // Act
    const plan = planJobs(
      new Map([
        ['comp_1', decodedJobs({ eventID: 'a' })],
        ['comp_2', decodedJobs({ companyID: 'comp_2' }, { companyID: 'comp_2' })],
      ]),
      {
        states: new Map([['comp_1', emptyCompanyState('comp_1')]]),
        lookups: new Map([
          ['comp_1', { status: 'unknown' as const }],
          ['comp_2', { status: 'failed' as const, message: 'timeout', attempts: 4 }],
        ]),
        isDuplicate: () => false,
        now: NOW,
      },
    );

    // Assess
    expect(plan.candidates).toHaveLength(0);
    expect(plan.deadLetters.map((letter) => [letter.reason, letter.attempts])).toEqual([
      ['unknown-company', 1],
      ['lookup-failed', 4],
      ['lookup-failed', 4],
    ]);
  });
});

describe('scoredOutputs', () => {
  const plan = () =>
    planJobs(new Map([['comp_1', decodedJobs({ eventID: 'a' }, { eventID: 'b' })]]), {
      states: new Map(),
      lookups: new Map([['comp_1', { status: 'found' as const, company: comp1, answeredAt: NOW.toISOString() }]]),
      isDuplicate: () => false,
      now: NOW,
    });
  const scores = [
    { ok: true as const, verdict: { churn: true, probability: 0.9 } },
    { ok: false as const, reason: 'not-retriable' as const, message: '400', attempts: 1 },
  ];

  it('enriches scored candidates and dead-letters the ones whose scoring failed for good', () => {
    const outputs = scoredOutputs(plan().candidates, scores, 'dead-letter', NOW);

    expect(outputs.enriched.map((record) => [record.eventID, record.riskOfChurn, record.churnProbability])).toEqual([['a', true, 0.9]]);
    expect(outputs.deadLetters.map((letter) => [letter.reason, letter.stage])).toEqual([['score-failed', 'score']]);
    // The counted event's record to score on replay: counts as of the event, no verdict.
    // It is the record emit-unscored would have written.
    expect(outputs.deadLetters[0]?.unscored).toEqual(scoredOutputs(plan().candidates, scores, 'emit-unscored', NOW).enriched[1]);
    expect(outputs.deadLetters[0]?.unscored).toMatchObject({ eventID: 'b', riskOfChurn: null, churnProbability: null, job30: comp1.job30 + 2 });
    expect(outputs.lastScores.get('comp_1')).toEqual({ churn: true, probability: 0.9, at: NOW.toISOString() });
  });

  it('emits unscored records instead with emit-unscored', () => {
    const outputs = scoredOutputs(plan().candidates, scores, 'emit-unscored', NOW);

    expect(outputs.enriched.map((record) => [record.eventID, record.riskOfChurn])).toEqual([
      ['a', true],
      ['b', null],
    ]);
    expect(outputs.deadLetters).toHaveLength(0);
  });
});
