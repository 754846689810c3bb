import type { DeadLetter, DeadLetterReason, EnrichedCompany } from '@tenant-analytics/domain';
import { accountedCompanies, accountForRecords, type AccountableRecord } from './accounting';

const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

interface EventFields {
  readonly eventID?: string;
  readonly companyID?: string;
  readonly userID?: string;
  readonly nbJobs?: number;
  readonly creationDate?: string;
}

/** A valid JSON job event as the producer sends it. */
function validRecord(fields: EventFields = {}): AccountableRecord & { readonly eventID: string } {
  const event = { companyID: 'comp_1', userID: 'user_1', nbJobs: 2, creationDate: iso(NOW), eventID: 'e1', ...fields };
  return { data: Buffer.from(JSON.stringify(event)), eventID: event.eventID, outcome: { type: 'valid', outOfOrder: false } };
}

/** A re-sent copy of `original` (same bytes, same eventID). */
const duplicateOf = (original: AccountableRecord): AccountableRecord => ({ ...original, outcome: { type: 'duplicate', duplicateOf: 0 } });

function invalidRecord(text: string, reason: DeadLetterReason, eventID?: string): AccountableRecord {
  return { data: Buffer.from(text), ...(eventID === undefined ? {} : { eventID }), outcome: { type: 'invalid', kind: 'hand-made', reason } };
}

/** The S3 line the processor writes for `record` (a valid JSON record, or with `overrides`). */
function enrichedLine(record: AccountableRecord, overrides: Partial<EnrichedCompany> = {}): EnrichedCompany {
  const event = JSON.parse(Buffer.from(record.data).toString('utf8')) as Required<EventFields>;
  return {
    companyID: event.companyID,
    industry: 'IT',
    revenu: 1,
    employees: 1,
    job30: 1,
    job90: 1,
    monthlyFee: 1,
    totalFee: 1,
    riskOfChurn: false,
    churnProbability: 0.1,
    eventID: event.eventID,
    userID: event.userID,
    nbJobs: event.nbJobs,
    eventTime: event.creationDate,
    processedAt: iso(NOW + 1_000),
    source: { stream: 'bigdatajobs', shardId: 'shardId-000000000000', sequenceNumber: '1' },
    ...overrides,
  };
}

function deadLetterFor(record: AccountableRecord, reason: DeadLetterReason): DeadLetter {
  return {
    reason,
    message: reason,
    stage: 'validate',
    attempts: 1,
    firstFailureAt: iso(NOW),
    record: {
      data: Buffer.from(record.data).toString('base64'),
      partitionKey: 'comp_1',
      sequenceNumber: '2',
      shardId: 'shardId-000000000000',
      stream: 'bigdatajobs',
      arrivalTime: iso(NOW),
    },
  };
}

describe('accountForRecords', () => {
  it('accepts a clean run: valid events enriched once, duplicates skipped, bad records dead-lettered, counters exact', () => {
    // Prepare
    const first = validRecord({ eventID: 'e1', nbJobs: 2 });
    const second = validRecord({ eventID: 'e2', companyID: 'comp_2', nbJobs: 5 });
    const bad = invalidRecord('{"companyID":', 'malformed-json');

    // Act
    const report = accountForRecords({
      records: [first, second, duplicateOf(first), bad],
      enriched: [enrichedLine(first), enrichedLine(second)],
      deadLetters: [deadLetterFor(bad, 'malformed-json')],
      onStream: [enrichedLine(first), enrichedLine(second), enrichedLine(first)],
      countedJobs: new Map([['comp_1', 2], ['comp_2', 5]]),
    });

    // Assess
    expect(report).toMatchObject({
      ok: true,
      records: 4,
      enriched: 2,
      deadLettersByReason: { 'malformed-json': 1 },
      duplicatesSkipped: 1,
      duplicatesInS3: [],
      missing: [],
      wrongOutcome: [],
      stream: { missing: [], unexpected: [], redelivered: 1 },
      counters: { companies: 2, mismatches: [] },
    });
  });

  it('rejects an eventID found twice in S3 and the counter it inflated', () => {
    const record = validRecord({ nbJobs: 3 });

    const report = accountForRecords({
      records: [record],
      enriched: [enrichedLine(record), enrichedLine(record)],
      deadLetters: [],
      countedJobs: new Map([['comp_1', 6]]),
    });

    expect(report.ok).toBe(false);
    expect(report.duplicatesInS3).toEqual([{ eventID: 'e1', copies: 2 }]);
    expect(report.appliedTwice).toEqual(['event:e1']);
    expect(report.surplus).toEqual([{ key: 'event:e1', expected: '1 output(s)', actual: '2 outputs' }]);
    expect(report.counters?.mismatches).toEqual([{ companyID: 'comp_1', expected: 3, actual: 6 }]);
  });

  it('rejects lost events and copies skipped without an applied original', () => {
    // Prepare: e1 vanished; e2's only outcome was a lookup failure, so its re-sent copy is owed an output too
    const lost = validRecord({ eventID: 'e1' });
    const unlucky = validRecord({ eventID: 'e2' });
    const badLost = invalidRecord('', 'empty-record');

    // Act
    const report = accountForRecords({
      records: [lost, unlucky, duplicateOf(unlucky), badLost],
      enriched: [],
      deadLetters: [deadLetterFor(unlucky, 'lookup-failed')],
    });

    // Assess
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual([
      { key: 'event:e1', expected: 'enriched', actual: 'nothing' },
      { key: 'event:e2', expected: 'enriched', actual: 'lookup-failed' },
      { key: 'data:', expected: '1 × empty-record', actual: 'nothing' },
    ]);
    expect(report.duplicatesSkipped).toBe(0);
  });

  it('rejects a bad record that was enriched or dead-lettered for the wrong reason', () => {
    const enrichedByMistake = invalidRecord(JSON.stringify({ companyID: 'unknown_1', userID: 'u', nbJobs: 1, eventID: 'bad-1' }), 'unknown-company', 'bad-1');
    const wrongReason = invalidRecord('{"nbJobs":"2"}', 'bad-type');

    const report = accountForRecords({
      records: [enrichedByMistake, wrongReason],
      enriched: [enrichedLine(enrichedByMistake)],
      deadLetters: [deadLetterFor(wrongReason, 'missing-field')],
    });

    expect(report.ok).toBe(false);
    expect(report.wrongOutcome).toEqual([
      { key: expect.stringMatching(/^data:/), expected: 'unknown-company', actual: 'enriched' },
      { key: expect.stringMatching(/^data:/), expected: 'bad-type', actual: 'missing-field', message: 'missing-field' },
    ]);
    expect(report.unexpected.enriched).toEqual([]);
  });

  it('tolerates score-failed and lookup-failed under faults: the first still counts, the second does not', () => {
    // Prepare
    const scored = validRecord({ eventID: 'e1', nbJobs: 2 });
    const scoreFailed = validRecord({ eventID: 'e2', nbJobs: 3 });
    const lookupFailed = validRecord({ eventID: 'e3', nbJobs: 4 });
    const unknown = invalidRecord(JSON.stringify({ companyID: 'unknown_9', userID: 'u', nbJobs: 1 }), 'unknown-company');
    const input = {
      records: [scored, scoreFailed, duplicateOf(scoreFailed), lookupFailed, unknown],
      enriched: [enrichedLine(scored)],
      deadLetters: [deadLetterFor(scoreFailed, 'score-failed'), deadLetterFor(lookupFailed, 'lookup-failed'), deadLetterFor(unknown, 'lookup-failed')],
      countedJobs: new Map([['comp_1', 5]]),
    };

    // Act
    const underFaults = accountForRecords(input);
    const clean = accountForRecords({ ...input, toleratedFailures: [] });

    // Assess
    expect(underFaults).toMatchObject({ ok: true, duplicatesSkipped: 1, deadLettersByReason: { 'score-failed': 1, 'lookup-failed': 2 } });
    expect(clean.ok).toBe(false);
    expect(clean.wrongOutcome.map(({ expected, actual }) => `${expected}→${actual}`)).toEqual([
      'enriched→score-failed',
      'enriched→lookup-failed',
      'unknown-company→lookup-failed',
    ]);
  });

  it('rejects an event both enriched and dead-lettered as score-failed (applied twice)', () => {
    const record = validRecord();

    const report = accountForRecords({
      records: [record, duplicateOf(record)],
      enriched: [enrichedLine(record)],
      deadLetters: [deadLetterFor(record, 'score-failed')],
    });

    expect(report.appliedTwice).toEqual(['event:e1']);
    expect(report.ok).toBe(false);
  });

  it('owes one dead letter to each of several records with identical bytes', () => {
    const blank = invalidRecord(' \n', 'empty-record');

    const oneShort = accountForRecords({ records: [blank, blank, blank], enriched: [], deadLetters: [deadLetterFor(blank, 'empty-record'), deadLetterFor(blank, 'empty-record')] });
    const complete = accountForRecords({ records: [blank, blank], enriched: [], deadLetters: [deadLetterFor(blank, 'empty-record'), deadLetterFor(blank, 'empty-record')] });

    expect(oneShort.missing).toEqual([{ key: 'data:IAo=', expected: '3 × empty-record', actual: 'empty-record,empty-record' }]);
    expect(complete.ok).toBe(true);
  });

  it('finds CSV events, which carry no eventID, by company, user and job count', () => {
    // Prepare: the processor names them by position
    const csv: AccountableRecord = { data: Buffer.from(`"comp_3","user_9","7",${iso(NOW)}`), outcome: { type: 'valid', outOfOrder: false } };
    const line = { ...enrichedLine(validRecord({ companyID: 'comp_3', userID: 'user_9', nbJobs: 7 })), eventID: 'bigdatajobs/shardId-000000000001/4960' };

    // Act
    const found = accountForRecords({ records: [csv], enriched: [line], deadLetters: [], countedJobs: new Map([['comp_3', 7]]) });
    const twice = accountForRecords({ records: [csv], enriched: [line, { ...line, eventID: 'bigdatajobs/shardId-000000000001/4961' }], deadLetters: [] });

    // Assess
    expect(found.ok).toBe(true);
    expect(twice.unexpected.enriched).toEqual(['bigdatajobs/shardId-000000000001/4961']);
    expect(twice.ok).toBe(false);
  });

  it('rejects outputs that match no input', () => {
    const stranger = validRecord({ eventID: 'stranger' });

    const report = accountForRecords({ records: [], enriched: [enrichedLine(stranger)], deadLetters: [deadLetterFor(invalidRecord('x', 'malformed-csv'), 'malformed-csv')] });

    expect(report.unexpected).toEqual({ enriched: ['stranger'], deadLetters: [{ reason: 'malformed-csv', data: 'eA==' }] });
    expect(report.ok).toBe(false);
  });

  it('rejects a stream that lacks an S3 record or carries one S3 lacks', () => {
    const first = validRecord({ eventID: 'e1' });
    const second = validRecord({ eventID: 'e2' });

    const report = accountForRecords({ records: [first, second], enriched: [enrichedLine(first), enrichedLine(second)], deadLetters: [], onStream: [enrichedLine(first), enrichedLine(validRecord({ eventID: 'e9' }))] });

    expect(report.stream).toEqual({ missing: ['e2'], unexpected: ['e9'], redelivered: 0 });
    expect(report.ok).toBe(false);
  });

  it('leaves out of the recomputed counter events more than 89 days older than the newest', () => {
    const recent = validRecord({ eventID: 'e1', nbJobs: 2, creationDate: iso(NOW) });
    const edge = validRecord({ eventID: 'e2', nbJobs: 3, creationDate: iso(NOW - 89 * 86_400_000) });
    const old = validRecord({ eventID: 'e3', nbJobs: 100, creationDate: iso(NOW - 90 * 86_400_000) });

    const report = accountForRecords({ records: [recent, edge, old], enriched: [recent, edge, old].map((record) => enrichedLine(record)), deadLetters: [], countedJobs: new Map([['comp_1', 105]]) });

    expect(report.counters?.mismatches).toEqual([{ companyID: 'comp_1', expected: 5, actual: 105 }]);
  });
});

describe('accountForRecords rolling counts', () => {
  const at = (record: AccountableRecord, sequenceNumber: string, count: number) =>
    enrichedLine(record, { job30: count, job90: count + 100, source: { stream: 'bigdatajobs', shardId: 'shardId-000000000000', sequenceNumber } });

  it('accepts counts that grow by the jobs applied in between, score-failed events included', () => {
    // Prepare: e1 (2 jobs) → e2 (3, score-failed) → e3 (4): job30 grows by 7 from e1 to e3
    const [e1, e2, e3] = [validRecord({ eventID: 'e1', nbJobs: 2 }), validRecord({ eventID: 'e2', nbJobs: 3 }), validRecord({ eventID: 'e3', nbJobs: 4 })];
    const scoreFailed = { ...deadLetterFor(e2, 'score-failed'), record: { ...deadLetterFor(e2, 'score-failed').record, sequenceNumber: '20' } };

    // Act
    const report = accountForRecords({ records: [e1, e2, e3], enriched: [at(e1, '10', 12), at(e3, '30', 19)], deadLetters: [scoreFailed], countedJobs: new Map([['comp_1', 9]]) });

    // Assess
    expect(report.rollingCounts).toEqual({ checked: 1, mismatches: [] });
    expect(report.ok).toBe(true);
  });

  it('rejects counts computed from a stale state even when the final counter is right', () => {
    const [e1, e2, e3] = [validRecord({ eventID: 'e1', nbJobs: 2 }), validRecord({ eventID: 'e2', nbJobs: 3 }), validRecord({ eventID: 'e3', nbJobs: 4 })];

    // e3 was computed without e2's jobs
    const report = accountForRecords({ records: [e1, e2, e3], enriched: [at(e1, '10', 12), at(e2, '20', 15), at(e3, '30', 16)], deadLetters: [], countedJobs: new Map([['comp_1', 9]]) });

    expect(report.rollingCounts.mismatches).toEqual([
      {
        eventID: 'e3',
        companyID: 'comp_1',
        previous: { eventID: 'e2', job30: 15, sequenceNumber: '20', processedAt: iso(NOW + 1_000) },
        job30: 16,
        sequenceNumber: '30',
        processedAt: iso(NOW + 1_000),
        expectedGrowth: 4,
        job30Growth: 1,
        job90Growth: 1,
      },
    ]);
    expect(report.counters?.mismatches).toEqual([]);
    expect(report.ok).toBe(false);
  });

  it('compares only records of one day in one shard', () => {
    const today = validRecord({ eventID: 'e1', nbJobs: 2 });
    const yesterday = validRecord({ eventID: 'e2', nbJobs: 3, creationDate: iso(NOW - 86_400_000) });
    const otherShard = { ...at(validRecord({ eventID: 'e3', companyID: 'comp_2' }), '5', 50), source: { stream: 'bigdatajobs', shardId: 'shardId-000000000001', sequenceNumber: '5' } };

    const report = accountForRecords({
      records: [today, yesterday],
      enriched: [at(today, '10', 12), { ...at(yesterday, '20', 99), eventTime: iso(NOW - 86_400_000) }, otherShard, at(validRecord({ eventID: 'e4', companyID: 'comp_2' }), '6', 1)],
      deadLetters: [],
    });

    expect(report.rollingCounts).toEqual({ checked: 0, mismatches: [] });
  });
});

describe('accountedCompanies', () => {
  it('lists the companies of the valid records, JSON and CSV, sorted', () => {
    const csv: AccountableRecord = { data: Buffer.from('comp_7,user_1,1'), outcome: { type: 'valid', outOfOrder: false } };

    const companies = accountedCompanies([validRecord({ companyID: 'comp_9' }), csv, invalidRecord('{"companyID":"comp_5"', 'malformed-json')]);

    expect(companies).toEqual(['comp_7', 'comp_9']);
  });
});
