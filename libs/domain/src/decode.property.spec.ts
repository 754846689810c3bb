import fc from 'fast-check';
import { decodeCompanyEvent, decodeJobEvent, type DecodeContext, type DecodeResult } from './decode';
import { DEAD_LETTER_REASONS } from './dead-letter';
import { encodeJobEventCsv, encodeJobEventJson } from './encode';
import { DEFAULT_JOB_EVENT_LIMITS, type JobEvent } from './job-event';
import { formatInZone } from './testing/zoned-date-time';

const now = new Date('2026-11-25T12:00:00.000Z');
const ctx: DecodeContext = { arrivalTime: new Date('2026-11-25T11:59:58.250Z'), now };
const utf8 = new TextEncoder();
const REQUIRED_FIELDS = ['companyID', 'userID', 'nbJobs'] as const;
const CONTRACT_FIELDS = [...REQUIRED_FIELDS, 'creationDate', 'eventID', 'sentAt'] as const;

/** A failure must carry a known reason and stage and a bounded message; a success a typed event. */
function expectWellFormed<T>(result: DecodeResult<T>): void {
  if (result.ok) {
    expect(result.value).toBeDefined();
    return;
  }
  expect(DEAD_LETTER_REASONS).toContain(result.reason);
  expect(['decode', 'validate']).toContain(result.stage);
  expect(result.message.length).toBeGreaterThan(0);
  expect(result.message.length).toBeLessThan(400);
}

/** A creation date inside the accepted window, in any zone and precision that keeps the instant. */
const creationDateArb = fc
  .record({
    instant: fc.date({
      min: new Date(now.getTime() - DEFAULT_JOB_EVENT_LIMITS.maxAgeMs),
      max: new Date(now.getTime() + DEFAULT_JOB_EVENT_LIMITS.maxFutureSkewMs),
      noInvalidDate: true,
    }),
    offsetMinutes: fc.integer({ min: -14 * 4, max: 14 * 4 }).map((quarters) => quarters * 15),
    fractionDigits: fc.constantFrom<0 | 3 | 6 | 9>(0, 3, 6, 9),
  })
  .filter(({ instant, fractionDigits }) => fractionDigits > 0 || instant.getUTCMilliseconds() === 0)
  .map(({ instant, offsetMinutes, fractionDigits }) => formatInZone(instant, offsetMinutes, fractionDigits));

const csvEventArb: fc.Arbitrary<JobEvent> = fc.record(
  {
    companyID: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/),
    userID: fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,128}$/),
    nbJobs: fc.integer({ min: DEFAULT_JOB_EVENT_LIMITS.minJobs, max: DEFAULT_JOB_EVENT_LIMITS.maxJobs }),
    creationDate: creationDateArb,
  },
  { requiredKeys: ['companyID', 'userID', 'nbJobs'] },
);

const jsonEventArb: fc.Arbitrary<JobEvent> = fc
  .tuple(
    csvEventArb,
    fc.record(
      { eventID: fc.string({ minLength: 1, maxLength: 64, unit: 'binary' }), sentAt: creationDateArb },
      { requiredKeys: [] },
    ),
  )
  .map(([event, extras]) => ({ ...event, ...extras }));

function expectedDecoded(event: JobEvent, format: 'json' | 'csv') {
  const eventTime = new Date(event.creationDate ?? ctx.arrivalTime).toISOString();
  return { ok: true, value: { ...event, eventTime, format } };
}

describe('decodeJobEvent (properties)', () => {
  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (data) => {
        expectWellFormed(decodeJobEvent(data, ctx));
      }),
    );
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expectWellFormed(decodeJobEvent(utf8.encode(JSON.stringify(value)), ctx));
      }),
    );
  });

  it('never throws on arbitrary strings, including CSV-like ones', () => {
    const csvish = fc
      .array(fc.oneof(fc.constantFrom(',', '"', '""', '\n', '\r\n', ' ', '{', '['), fc.string({ maxLength: 8 })), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), csvish), (text) => {
        expectWellFormed(decodeJobEvent(utf8.encode(text), ctx));
      }),
    );
  });

  it('round-trips valid events through the JSON form', () => {
    fc.assert(
      fc.property(jsonEventArb, (event) => {
        expect(decodeJobEvent(encodeJobEventJson(event), ctx)).toEqual(expectedDecoded(event, 'json'));
      }),
    );
  });

  it('round-trips valid events through the CSV form', () => {
    fc.assert(
      fc.property(csvEventArb, (event) => {
        expect(decodeJobEvent(encodeJobEventCsv(event), ctx)).toEqual(expectedDecoded(event, 'csv'));
      }),
    );
  });

  it('rejects a valid event with a required field dropped as missing-field', () => {
    fc.assert(
      fc.property(jsonEventArb, fc.constantFrom(...REQUIRED_FIELDS), (event, field) => {
        // Prepare
        const mutated: Record<string, unknown> = { ...event };
        delete mutated[field];

        // Act
        const result = decodeJobEvent(utf8.encode(JSON.stringify(mutated)), ctx);

        // Assess
        expect(result).toMatchObject({ ok: false, reason: 'missing-field', field, stage: 'validate' });
      }),
    );
  });

  it('rejects a valid event with a field of the wrong type as bad-type', () => {
    const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()));
    const notANumber = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()));
    fc.assert(
      fc.property(jsonEventArb, fc.constantFrom(...CONTRACT_FIELDS), notAString, notANumber, (event, field, wrongString, wrongNumber) => {
        // Prepare
        const mutated = { ...event, [field]: field === 'nbJobs' ? wrongNumber : wrongString };

        // Act
        const result = decodeJobEvent(utf8.encode(JSON.stringify(mutated)), ctx);

        // Assess
        expect(result).toMatchObject({ ok: false, reason: 'bad-type', field });
      }),
    );
  });

  it('ignores fields outside the contract', () => {
    const extraFields = fc.dictionary(fc.string().map((name) => `x_${name}`), fc.jsonValue(), { maxKeys: 5 });
    fc.assert(
      fc.property(jsonEventArb, extraFields, (event, extras) => {
        const result = decodeJobEvent(utf8.encode(JSON.stringify({ ...extras, ...event })), ctx);
        expect(result).toEqual(expectedDecoded(event, 'json'));
      }),
    );
  });

  it('rejects every truncation of a JSON event and never throws on truncated CSV', () => {
    fc.assert(
      fc.property(jsonEventArb, csvEventArb, fc.nat(), (jsonEvent, csvEvent, cut) => {
        // Prepare
        const json = encodeJobEventJson(jsonEvent);
        const csv = encodeJobEventCsv(csvEvent);

        // Act
        const truncatedJson = decodeJobEvent(json.slice(0, cut % json.length), ctx);
        const truncatedCsv = decodeJobEvent(csv.slice(0, cut % csv.length), ctx);

        // Assess
        expect(truncatedJson.ok).toBe(false);
        expectWellFormed(truncatedCsv);
      }),
    );
  });
});

describe('decodeCompanyEvent (properties)', () => {
  it('never throws on arbitrary bytes or arbitrary JSON values', () => {
    const records = fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.jsonValue().map((value) => utf8.encode(JSON.stringify(value))));
    fc.assert(
      fc.property(records, (data) => {
        expectWellFormed(decodeCompanyEvent(data, ctx));
      }),
    );
  });
});
