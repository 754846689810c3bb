import { gunzipSync } from 'node:zlib';
import { deadLetterSchema, enrichedCompanySchema } from '@tenant-analytics/domain';
import { deadLetterFactory, enrichedCompanyFactory, pendingBatchFactory } from '../testing/record-fixtures';
import fc from 'fast-check';
import { deadLetterFiles, deadLetterKey, enrichedFiles, jsonLinesBytes, type OutputFile } from './output-files';

const FILE_NAME = 'bigdatajobs-shardId-000000000000-100-160.jsonl.gz';

/** The enriched records of an output file, decoded. */
function recordsOf(file: OutputFile | undefined) {
  if (file === undefined) throw new Error('no such file');
  return gunzipSync(file.body)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => enrichedCompanySchema.parse(JSON.parse(line)));
}

/** A batch 100–160 whose events fall in three UTC hours, given out of event-time order. */
function batchOverHours() {
  return pendingBatchFactory({
    firstSequenceNumber: '100',
    lastSequenceNumber: '160',
    enriched: [
      enrichedCompanyFactory(1, '100', { eventTime: '2026-11-25T10:05:00.000Z' }),
      enrichedCompanyFactory(2, '110', { eventTime: '2026-11-25T09:50:00.000Z' }),
      enrichedCompanyFactory(3, '120', { eventTime: '2026-11-25T09:10:00.000Z' }),
      enrichedCompanyFactory(4, '130', { eventTime: '2026-11-25T23:30:00.000-02:00' }),
      enrichedCompanyFactory(5, '160', { eventTime: '2026-11-25T10:59:59.999Z' }),
    ],
  });
}

describe('enrichedFiles', () => {
  it('writes one gzip JSON Lines object per UTC event-time hour, keyed by the batch range', () => {
    // Act
    const files = enrichedFiles(batchOverHours(), 'churn/data');

    // Assess
    expect(files.map((file) => file.key)).toEqual([
      `churn/data/dt=2026-11-25/hour=10/${FILE_NAME}`,
      `churn/data/dt=2026-11-25/hour=09/${FILE_NAME}`,
      `churn/data/dt=2026-11-26/hour=01/${FILE_NAME}`,
    ]);
    expect(files.every((file) => file.contentType === 'application/x-ndjson' && file.contentEncoding === 'gzip')).toBe(true);
  });

  it('keeps the records of each file in the order given', () => {
    // Act
    const files = enrichedFiles(batchOverHours(), 'churn/data');

    // Assess
    expect(recordsOf(files[0]).map((record) => record.source.sequenceNumber)).toEqual(['100', '160']);
    expect(recordsOf(files[1]).map((record) => record.source.sequenceNumber)).toEqual(['110', '120']);
    expect(recordsOf(files[2])).toEqual([batchOverHours().enriched[3]]);
  });

  it('ends every file with a newline after its last record', () => {
    // Act
    const [file] = enrichedFiles(pendingBatchFactory(), 'churn/data');

    // Assess
    const text = gunzipSync(file?.body ?? new Uint8Array()).toString('utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(3);
  });

  it('builds identical bytes from the same batch, so a replay overwrites with the same content', () => {
    // Prepare: a replay decodes its batch from the store: a copy
    const batch = batchOverHours();
    const first = enrichedFiles(batch, 'churn/data');

    // Act
    const replay = enrichedFiles(structuredClone(batch), 'churn/data');

    // Assess: same bytes, and no gzip timestamp (header MTIME, bytes 4–7) that a later replay would change
    expect(replay.map((file) => file.key)).toEqual(first.map((file) => file.key));
    replay.forEach((file, index) => expect(Buffer.from(file.body).equals(Buffer.from(first[index]?.body ?? new Uint8Array()))).toBe(true));
    expect(first.map((file) => Buffer.from(file.body).readUInt32LE(4))).toEqual([0, 0, 0]);
  });

  it('writes nothing for a batch without enriched records', () => {
    // Act / Assess
    expect(enrichedFiles(pendingBatchFactory({ enriched: [] }), 'churn/data')).toEqual([]);
  });

  it.each([
    ['churn/data', 'churn/data/dt='],
    ['/churn/data/', 'churn/data/dt='],
    ['churn/data///', 'churn/data/dt='],
    ['', 'dt='],
    ['/', 'dt='],
  ])('joins the prefix %j without doubled or leading slashes', (prefix, start) => {
    // Act
    const [file] = enrichedFiles(pendingBatchFactory(), prefix);

    // Assess
    expect(file?.key).toBe(`${start}2026-11-25/hour=09/bigdatajobs-shardId-000000000000-100-120.jsonl.gz`);
  });
});

describe('jsonLinesBytes', () => {
  it('is the UTF-8 encoding of the lines, each ended by a newline, whatever characters they hold', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }), (lines) => {
        expect(jsonLinesBytes(lines).equals(Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8'))).toBe(true);
      }),
    );
  });

  it('gives the same bytes in the shared scratch buffer, whatever an earlier, longer call left in it', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }), (earlier, lines) => {
        jsonLinesBytes(earlier, { reuseScratch: true });
        expect(jsonLinesBytes(lines, { reuseScratch: true }).equals(jsonLinesBytes(lines))).toBe(true);
      }),
    );
  });

  it('encodes characters beyond ASCII and outside the basic plane', () => {
    expect(jsonLinesBytes(['{"industry":"Café 🚀"}', '']).toString('utf8')).toBe('{"industry":"Café 🚀"}\n\n');
  });
});

describe('deadLetterKey', () => {
  it('partitions by the record arrival date, not the failure date', () => {
    // Prepare
    const deadLetter = deadLetterFactory('4711', {
      firstFailureAt: '2026-11-26T00:00:05.000Z',
      record: { ...deadLetterFactory('4711').record, arrivalTime: '2026-11-25T23:59:59.999Z' },
    });

    // Act / Assess
    expect(deadLetterKey(deadLetter, 'dead-letters/')).toBe('dead-letters/dt=2026-11-25/bigdatajobs-shardId-000000000000-4711.json');
  });

  it('uses the UTC date of an arrival time given with an offset', () => {
    // Prepare
    const deadLetter = deadLetterFactory('5', { record: { ...deadLetterFactory('5').record, arrivalTime: '2026-11-25T22:00:00.000-03:00' } });

    // Act / Assess
    expect(deadLetterKey(deadLetter, '/dlq')).toBe('dlq/dt=2026-11-26/bigdatajobs-shardId-000000000000-5.json');
  });
});

describe('deadLetterFiles', () => {
  it('writes one JSON object per dead letter under its key', () => {
    // Prepare
    const letters = [deadLetterFactory('105'), deadLetterFactory('115', { reason: 'unknown-company', stage: 'lookup' })];

    // Act
    const files = deadLetterFiles(pendingBatchFactory({ deadLetters: letters }), 'dead-letters');

    // Assess
    expect(files.map((file) => [file.key, file.contentType, file.contentEncoding])).toEqual([
      ['dead-letters/dt=2026-11-25/bigdatajobs-shardId-000000000000-105.json', 'application/json', undefined],
      ['dead-letters/dt=2026-11-25/bigdatajobs-shardId-000000000000-115.json', 'application/json', undefined],
    ]);
    expect(files.map((file) => deadLetterSchema.parse(JSON.parse(Buffer.from(file.body).toString('utf8'))))).toEqual(letters);
  });
});
