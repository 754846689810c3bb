import { decodeJobEvent, decodeJobEventBySchema } from '@tenant-analytics/domain';
import { badInputCorpus, corpusRecord, KINESIS_MAX_RECORD_BYTES } from './bad-input-corpus';

const now = new Date('2026-11-20T12:00:00.000Z');
const corpus = badInputCorpus({ now, runId: 'spec', knownCompanies: ['comp_1', 'comp_2', 'comp_3'] });

describe('badInputCorpus', () => {
  it('holds at least 150 distinct malformed records, and hostile valid ones', () => {
    const distinct = new Set(corpus.map((entry) => Buffer.from(entry.data).toString('base64')));
    const bad = corpus.filter((entry) => entry.expected !== 'valid');

    expect(distinct.size).toBe(corpus.length);
    expect(bad.length).toBeGreaterThanOrEqual(150);
    expect(corpus.filter((entry) => entry.expected === 'valid').length).toBeGreaterThanOrEqual(20);
    expect(new Set(corpus.map((entry) => entry.kind)).size).toBe(corpus.length);
  });

  it('covers every decoder reason and unknown companies', () => {
    const reasons = new Set(corpus.map((entry) => entry.expected));

    expect([...reasons].sort()).toEqual(
      ['bad-format', 'bad-type', 'empty-record', 'invalid-utf8', 'malformed-csv', 'malformed-json', 'missing-field', 'out-of-range', 'too-large', 'unknown-company', 'valid'].sort(),
    );
  });

  it('expects what the decoder decides for every entry (unknown companies decode fine)', () => {
    // Prepare: the decoder is the processor's first stage; the corpus was written independently of it
    const decided = corpus.map((entry) => {
      const result = decodeJobEvent(entry.data, { arrivalTime: now, now });
      return { kind: entry.kind, outcome: result.ok ? 'decodes' : result.reason };
    });

    // Assess
    const expected = corpus.map((entry) => ({ kind: entry.kind, outcome: entry.expected === 'valid' || entry.expected === 'unknown-company' ? 'decodes' : entry.expected }));
    expect(decided).toEqual(expected);
  });

  it("decodes every entry as the decoder's schema path does (its fast path changes no outcome)", () => {
    // Prepare: also a day later, when the entries dated a day ahead of the corpus's clock are on the window's edge
    const clocks = [now, new Date(now.getTime() + 86_400_000)];

    for (const clock of clocks) {
      // Act
      const outcomes = corpus.map((entry) => ({ kind: entry.kind, result: decodeJobEvent(entry.data, { arrivalTime: clock, now: clock }) }));
      const reference = corpus.map((entry) => ({ kind: entry.kind, result: decodeJobEventBySchema(entry.data, { arrivalTime: clock, now: clock }) }));

      // Assess: same verdict, value (key order too), reason, stage and message
      expect(outcomes).toStrictEqual(reference);
      expect(JSON.stringify(outcomes)).toBe(JSON.stringify(reference));
    }
  });

  it('keeps every record within the Kinesis record limit, partition key included', () => {
    for (const entry of corpus) {
      expect(entry.data.byteLength + Buffer.byteLength(entry.partitionKey)).toBeLessThanOrEqual(KINESIS_MAX_RECORD_BYTES);
      expect(Buffer.byteLength(entry.partitionKey)).toBeGreaterThan(0);
      expect(Buffer.byteLength(entry.partitionKey)).toBeLessThanOrEqual(256);
    }
  });

  it('gives valid JSON entries their eventID, so that their enriched record can be found', () => {
    const valid = corpus.filter((entry) => entry.expected === 'valid' && !/^CSV/.test(entry.kind));

    for (const entry of valid) {
      const decoded = decodeJobEvent(entry.data, { arrivalTime: now, now });
      expect({ kind: entry.kind, eventID: decoded.ok ? decoded.value.eventID : undefined }).toEqual({ kind: entry.kind, eventID: entry.eventID });
    }
    const [firstValid] = valid;
    const [firstBad] = corpus;
    expect(firstValid && corpusRecord(firstValid)).toMatchObject({ eventID: firstValid?.eventID, outcome: { type: 'valid' } });
    expect(firstBad && corpusRecord(firstBad)).toMatchObject({ outcome: { type: 'invalid', reason: 'malformed-json' } });
  });
});
