import { z } from 'zod';
import { decodeCompanyEvent, decodeJobEvent, parseWithSchema, type DecodeContext, type DecodeResult } from './decode';
import type { DeadLetterReason } from './dead-letter';

const now = new Date('2026-11-25T12:00:00.000Z');
const ctx: DecodeContext = { arrivalTime: new Date('2026-11-25T11:59:59.500Z'), now };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const DAY_MS = 24 * 3600 * 1000;

function failureOf<T>(result: DecodeResult<T>) {
  if (result.ok) {
    throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  }
  return result;
}

describe('decodeJobEvent', () => {
  it('decodes the seed JSON form, ignoring unknown fields and normalising the event time', () => {
    // Prepare
    const record = bytes('{"companyID":"comp_4","userID":"user_1","nbJobs":1,"creationDate":"2026-11-25T12:00:00+02:00","extra":{"a":1}}');

    // Act
    const result = decodeJobEvent(record, ctx);

    // Assess
    expect(result).toEqual({
      ok: true,
      value: {
        companyID: 'comp_4',
        userID: 'user_1',
        nbJobs: 1,
        creationDate: '2026-11-25T12:00:00+02:00',
        eventTime: '2026-11-25T10:00:00.000Z',
        format: 'json',
      },
    });
  });

  it('uses the arrival time when the event has no creationDate, and keeps eventID and sentAt', () => {
    // Act
    const result = decodeJobEvent(bytes(' {"companyID":"c","userID":"u","nbJobs":7,"eventID":"e-1","sentAt":"2026-11-25T11:59:59Z"}'), ctx);

    // Assess
    expect(result).toEqual({
      ok: true,
      value: { companyID: 'c', userID: 'u', nbJobs: 7, eventID: 'e-1', sentAt: '2026-11-25T11:59:59Z', eventTime: '2026-11-25T11:59:59.500Z', format: 'json' },
    });
  });

  it.each([
    ['three columns', 'comp_4,user_1,1', { companyID: 'comp_4', userID: 'user_1', nbJobs: 1, eventTime: '2026-11-25T11:59:59.500Z' }],
    [
      'four columns and a CRLF',
      'comp_4,user_1,12,2026-11-25T10:00:00Z\r\n',
      { companyID: 'comp_4', userID: 'user_1', nbJobs: 12, creationDate: '2026-11-25T10:00:00Z', eventTime: '2026-11-25T10:00:00.000Z' },
    ],
    ['quoted fields and blanks', ' "comp_4" , "user_1",  "3" ', { companyID: 'comp_4', userID: 'user_1', nbJobs: 3, eventTime: '2026-11-25T11:59:59.500Z' }],
    ['an empty optional column', 'comp_4,user_1,3,', { companyID: 'comp_4', userID: 'user_1', nbJobs: 3, eventTime: '2026-11-25T11:59:59.500Z' }],
  ])('decodes the CSV form with %s', (_label, text, expected) => {
    expect(decodeJobEvent(bytes(text), ctx)).toEqual({ ok: true, value: { ...expected, format: 'csv' } });
  });

  it.each<[string, Uint8Array, DeadLetterReason, 'decode' | 'validate', string | undefined, string]>([
    ['an empty record', new Uint8Array(0), 'empty-record', 'decode', undefined, 'the record is empty'],
    ['a blank record', bytes(' \r\n\t'), 'empty-record', 'decode', undefined, 'the record holds only whitespace'],
    ['invalid UTF-8', Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d), 'invalid-utf8', 'decode', undefined, 'the record is not valid UTF-8'],
    ['truncated JSON', bytes('{"companyID":"c",'), 'malformed-json', 'decode', undefined, 'the record is not valid JSON'],
    ['a JSON array', bytes('[{"companyID":"c","userID":"u","nbJobs":1}]'), 'bad-type', 'validate', undefined, 'one event per record: expected a JSON object, got an array'],
    ['a JSON number', bytes('42'), 'bad-type', 'validate', undefined, 'one event per record'],
    ['a JSON string', bytes('"comp_4"'), 'bad-type', 'validate', undefined, 'one event per record'],
    ['two CSV columns', bytes('comp_4,user_1'), 'malformed-csv', 'decode', undefined, 'expected 3 or 4 columns (companyID,userID,nbJobs,creationDate), got 2'],
    ['five CSV columns', bytes('a,b,1,2026-11-25T10:00:00Z,x'), 'malformed-csv', 'decode', undefined, 'got 5'],
    ['an unclosed quote', bytes('"comp_4,user_1,1'), 'malformed-csv', 'decode', undefined, 'unbalanced quotes in column 1'],
    ['a stray quote', bytes('co"mp,user_1,1'), 'malformed-csv', 'decode', undefined, 'a quote inside the unquoted column 1'],
    ['text after a quote', bytes('"comp"x,user_1,1'), 'malformed-csv', 'decode', undefined, 'unexpected text after the closing quote of column 1'],
    ['two CSV lines', bytes('c,u,1\nc,u,2'), 'malformed-csv', 'decode', undefined, 'one event per record'],
    ['a missing JSON field', bytes('{"companyID":"c","nbJobs":1}'), 'missing-field', 'validate', 'userID', 'userID is required'],
    ['an empty CSV column', bytes('c,,1'), 'missing-field', 'validate', 'userID', 'userID is required but column 2 is empty'],
    ['nbJobs as a JSON string', bytes('{"companyID":"c","userID":"u","nbJobs":"3"}'), 'bad-type', 'validate', 'nbJobs', 'nbJobs must be a number, got "3"'],
    ['a fractional nbJobs', bytes('{"companyID":"c","userID":"u","nbJobs":1.5}'), 'bad-type', 'validate', 'nbJobs', 'nbJobs must be an integer, got 1.5'],
    ['a null companyID', bytes('{"companyID":null,"userID":"u","nbJobs":1}'), 'bad-type', 'validate', 'companyID', 'companyID must be a string, got null'],
    ['a CSV nbJobs in exponent form', bytes('c,u,1e3'), 'bad-type', 'validate', 'nbJobs', 'nbJobs must be a base-10 integer, got "1e3"'],
    ['a CSV nbJobs in hex', bytes('c,u,0x10'), 'bad-type', 'validate', 'nbJobs', 'nbJobs must be a base-10 integer'],
    ['a companyID with a space', bytes('{"companyID":"comp 4","userID":"u","nbJobs":1}'), 'bad-format', 'validate', 'companyID', 'companyID must be 1-64 characters of [A-Za-z0-9_.:-], got "comp 4"'],
    ['a creationDate without a zone', bytes('c,u,1,2026-11-25T10:00:00'), 'bad-format', 'validate', 'creationDate', 'creationDate must be an ISO-8601 date-time with a zone'],
    ['30 February', bytes('c,u,1,2026-02-30T10:00:00Z'), 'bad-format', 'validate', 'creationDate', 'creationDate must be an ISO-8601 date-time'],
    ['zero jobs', bytes('c,u,0'), 'out-of-range', 'validate', 'nbJobs', 'nbJobs must be an integer between 1 and 100000, got 0'],
    ['too many jobs', bytes('c,u,100001'), 'out-of-range', 'validate', 'nbJobs', 'nbJobs must be an integer between 1 and 100000, got 100001'],
    ['a creationDate too old', bytes('c,u,1,2025-11-25T11:59:59.999Z'), 'out-of-range', 'validate', 'creationDate', 'creationDate must be between 2025-11-25T12:00:00.000Z and 2026-11-25T12:05:00.000Z (at most 365 days old and 300 s ahead), got "2025-11-25T11:59:59.999Z"'],
    ['a creationDate too far ahead', bytes('c,u,1,2026-11-25T12:05:00.001Z'), 'out-of-range', 'validate', 'creationDate', 'creationDate must be between'],
  ])('rejects %s', (_label, record, reason, stage, field, message) => {
    // Act
    const failure = failureOf(decodeJobEvent(record, ctx));

    // Assess
    expect(failure).toMatchObject({ reason, stage });
    expect(failure.field).toBe(field);
    expect(failure.message).toContain(message);
  });

  it('accepts creation dates exactly on the edges of the window', () => {
    const oldest = new Date(now.getTime() - 365 * DAY_MS).toISOString();
    const newest = new Date(now.getTime() + 5 * 60 * 1000).toISOString();
    expect(decodeJobEvent(bytes(`c,u,1,${oldest}`), ctx).ok).toBe(true);
    expect(decodeJobEvent(bytes(`c,u,1,${newest}`), ctx).ok).toBe(true);
  });

  it('rejects a record above maxRecordBytes before parsing it', () => {
    // Act
    const failure = failureOf(decodeJobEvent(bytes('c,u,1'), { ...ctx, limits: { maxRecordBytes: 4 } }));

    // Assess
    expect(failure).toMatchObject({ reason: 'too-large', stage: 'decode', message: 'the record is 5 bytes, more than the limit of 4' });
  });

  it('applies the given limits and keeps the defaults for the rest', () => {
    // Act
    const failure = failureOf(decodeJobEvent(bytes('c,u,11'), { ...ctx, limits: { maxJobs: 10, minJobs: undefined } }));

    // Assess
    expect(failure.message).toBe('nbJobs must be an integer between 1 and 10, got 11');
  });

  it('applies the limits an overrides object holds now, when it changed since it was last used', () => {
    // Prepare: limits are resolved once per object, then reused
    const limits: { maxJobs?: number } = { maxJobs: 10 };
    expect(failureOf(decodeJobEvent(bytes('c,u,11'), { ...ctx, limits })).reason).toBe('out-of-range');

    // Act
    limits.maxJobs = 20;
    const raised = decodeJobEvent(bytes('c,u,11'), { ...ctx, limits });
    delete limits.maxJobs;
    const dropped = decodeJobEvent(bytes('c,u,100001'), { ...ctx, limits });

    // Assess
    expect(raised.ok).toBe(true);
    expect(failureOf(dropped).message).toBe('nbJobs must be an integer between 1 and 100000, got 100001');
  });

  it('counts the other invalid fields in its message', () => {
    const failure = failureOf(decodeJobEvent(bytes('{"companyID":1,"userID":2,"nbJobs":"x"}'), ctx));
    expect(failure.message).toBe('companyID must be a string, got 1 (and 2 more invalid fields)');
  });

  it('quotes at most about 100 characters of a huge value', () => {
    // Act
    const failure = failureOf(decodeJobEvent(bytes(`{"companyID":"${'x'.repeat(20_000)}","userID":"u","nbJobs":1}`), ctx));

    // Assess
    expect(failure.reason).toBe('bad-format');
    expect(failure.message.length).toBeLessThan(200);
    expect(failure.message).not.toContain('x'.repeat(101));
  });

  it('rejects deeply nested JSON without exhausting the stack', () => {
    // Prepare
    const depth = 200_000;
    const limits = { maxRecordBytes: 1_000_000 };
    const nestedField = `{"companyID":${'['.repeat(depth)}${']'.repeat(depth)},"userID":"u","nbJobs":1}`;

    // Act
    const nested = failureOf(decodeJobEvent(bytes(nestedField), { ...ctx, limits }));
    const unbalanced = failureOf(decodeJobEvent(bytes('['.repeat(depth)), { ...ctx, limits }));

    // Assess
    expect(nested).toMatchObject({ reason: 'bad-type', field: 'companyID' });
    expect(unbalanced.reason).toBe('malformed-json');
  });

  it('splits a CSV record of many columns in linear time', () => {
    // Prepare
    const record = bytes(','.repeat(60_000));

    // Act
    const started = performance.now();
    const failure = failureOf(decodeJobEvent(record, ctx));

    // Assess
    expect(failure.message).toContain('got 60001');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('decodeCompanyEvent', () => {
  const snapshot = { companyID: 'comp_1', industry: 'gov', revenu: 100, employee: 50, job30: 3, job90: 12, monthlyFee: 200, totalFee: 400 };

  it('accepts the employee alias and defaults asOf to the arrival time', () => {
    // Act
    const result = decodeCompanyEvent(bytes(JSON.stringify(snapshot)), ctx);

    // Assess
    expect(result).toEqual({
      ok: true,
      value: { companyID: 'comp_1', industry: 'gov', revenu: 100, employees: 50, job30: 3, job90: 12, monthlyFee: 200, totalFee: 400, riskOfChurn: false, asOf: '2026-11-25T11:59:59.500Z' },
    });
  });

  it('normalises a given asOf to UTC', () => {
    const result = decodeCompanyEvent(bytes(JSON.stringify({ ...snapshot, asOf: '2026-11-25T08:00:00-02:00' })), ctx);
    expect(result.ok && result.value.asOf).toBe('2026-11-25T10:00:00.000Z');
  });

  it.each<[string, string, DeadLetterReason, string | undefined]>([
    ['CSV', 'comp_1,gov,100', 'malformed-json', undefined],
    ['a negative revenue', JSON.stringify({ ...snapshot, revenu: -1 }), 'out-of-range', 'revenu'],
    ['a missing industry', JSON.stringify({ ...snapshot, industry: undefined }), 'missing-field', 'industry'],
    ['an asOf decades ahead (it would outrank every later snapshot)', JSON.stringify({ ...snapshot, asOf: '2062-11-25T10:00:00Z' }), 'out-of-range', 'asOf'],
    ['an asOf older than the maximum age', JSON.stringify({ ...snapshot, asOf: '2020-01-01T00:00:00Z' }), 'out-of-range', 'asOf'],
  ])('rejects %s', (_label, text, reason, field) => {
    const failure = failureOf(decodeCompanyEvent(bytes(text), ctx));
    expect(failure.reason).toBe(reason);
    expect(failure.field).toBe(field);
  });
});

describe('parseWithSchema', () => {
  const schema = z.object({ predictions: z.array(z.object({ score: z.number().min(0).max(1) })) });

  it('returns the parsed value', () => {
    expect(parseWithSchema(schema, { predictions: [{ score: 0.5 }] })).toEqual({ ok: true, value: { predictions: [{ score: 0.5 }] } });
  });

  it('names the nested field that is wrong', () => {
    // Act
    const failure = failureOf(parseWithSchema(schema, { predictions: [{ score: 0.5 }, { score: 2 }] }));

    // Assess
    expect(failure).toMatchObject({ reason: 'out-of-range', stage: 'validate', field: 'predictions.1.score' });
    expect(failure.message).toContain('got 2');
  });
});
