import fc from 'fast-check';
import { COMPANY_ID_PATTERN, companyIdSchema } from './company';
import { decodeJobEvent, decodeJobEventBySchema, type DecodeContext } from './decode';
import { DEFAULT_JOB_EVENT_LIMITS, jobEventSchema, USER_ID_PATTERN, userIdSchema, type JobEventLimits } from './job-event';
import { formatInZone } from './testing/zoned-date-time';

// decodeJobEvent confirms a valid JSON record by hand and leaves everything else to the zod schema;
// decodeJobEventBySchema always uses the schema. These properties hold the two to the same outcome:
// the same verdict, decoded value (key order included), reason, stage, field and message.

const now = new Date('2026-11-25T12:00:00.000Z');
const arrivalTime = new Date('2026-11-25T11:59:58.250Z');
const utf8 = new TextEncoder();
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);
const DAY_MS = 86_400_000;

/** The defaults, and limits as configuration may give them: each moves a boundary the fast path checks. */
const CONTEXTS: readonly DecodeContext[] = [
  { arrivalTime, now },
  { arrivalTime, now, limits: {} },
  { arrivalTime, now, limits: { maxJobs: 10 } },
  { arrivalTime, now, limits: { minJobs: -5, maxJobs: 5 } },
  { arrivalTime, now, limits: { minJobs: 0, maxJobs: 1e300 } },
  { arrivalTime, now, limits: { maxAgeMs: 3_600_000, maxFutureSkewMs: 0 } },
  { arrivalTime, now, limits: { maxRecordBytes: 160 } },
];

const limitsOf = (ctx: DecodeContext): JobEventLimits => ({ ...DEFAULT_JOB_EVENT_LIMITS, ...ctx.limits });

/** Mostly `usual`, sometimes `unusual`. */
const mostly = <T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 9, arbitrary: usual }, { weight: 1, arbitrary: unusual });

/** JSON texts of values that are not strings. */
const notAStringJson = fc.oneof(
  fc.constantFrom('1', '0', '-1', 'null', 'true', 'false', '[]', '["comp_1"]', '{}', '{"id":"comp_1"}', '1e3'),
  fc.jsonValue({ maxDepth: 2 }).filter((value) => typeof value !== 'string').map((value) => JSON.stringify(value)),
);

/** Identifiers: valid ones, boundary lengths, and the characters the rules exclude. */
const identifierArb = (validChars: RegExp, maxLength: number): fc.Arbitrary<string> =>
  mostly(
    fc.stringMatching(validChars),
    fc.oneof(
      fc.constantFrom('', 'x'.repeat(maxLength), 'x'.repeat(maxLength + 1), 'comp 4', ' comp_4', 'comp_4\n', 'cömp', 'comp@4', 'comp/4', '\u0000', '😀', 'comp_4\u200b', '４'),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
  );
const companyIdArb = identifierArb(/^[A-Za-z0-9_.:-]{1,64}$/, 64);
const userIdArb = identifierArb(/^[A-Za-z0-9_.:@-]{1,128}$/, 128);

/**
 * nbJobs as JSON text: inside the limits, on and past both bounds, past the safe integers, fractional,
 * in exponent form, as strings, and texts JSON refuses (NaN, Infinity, hex).
 */
const nbJobsJson = (limits: JobEventLimits): fc.Arbitrary<string> => {
  const boundaries = [limits.minJobs - 1, limits.minJobs, limits.maxJobs, limits.maxJobs + 1].filter((value) => Number.isSafeInteger(value));
  return mostly(
    fc.integer({ min: Math.max(limits.minJobs, Number.MIN_SAFE_INTEGER), max: Math.min(limits.maxJobs, Number.MAX_SAFE_INTEGER) }).map(String),
    fc.oneof(
      fc.constantFrom(...boundaries.map(String)),
      fc.constantFrom('0', '-1', '1', '-0', '0.0', '1.0', '1.5', '1e3', '1E2', '2.5e1', '1e5', '1e400', '-1e400'),
      fc.constantFrom('9007199254740991', '9007199254740992', '9007199254740993', '-9007199254740993', '1e21', '123456789012345678901234567890'),
      fc.constantFrom('"3"', '" 3"', '""', 'null', 'true', '[1]', '{}', 'NaN', 'Infinity', '-Infinity', '0x10', '+1', '01', '1.', '.5'),
      fc.integer().map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    ),
  );
};

/** Date-times the schema accepts, inside the limits' window, on and past its edges, in every zone and precision. */
const acceptedDateTimeArb = (limits: JobEventLimits): fc.Arbitrary<string> => {
  const earliestMs = now.getTime() - limits.maxAgeMs;
  const latestMs = now.getTime() + limits.maxFutureSkewMs;
  const edges = [earliestMs - 1, earliestMs, latestMs, latestMs + 1];
  return fc.oneof(
    fc
      .record({
        instant: fc.date({ min: new Date(earliestMs - DAY_MS), max: new Date(latestMs + DAY_MS), noInvalidDate: true }),
        offsetMinutes: fc.integer({ min: -14 * 4, max: 14 * 4 }).map((quarters) => quarters * 15),
        fractionDigits: fc.constantFrom<0 | 3 | 6 | 9>(0, 3, 6, 9),
      })
      .map(({ instant, offsetMinutes, fractionDigits }) => formatInZone(instant, offsetMinutes, fractionDigits)),
    fc.date({ min: new Date(earliestMs), max: new Date(latestMs), noInvalidDate: true }).map((instant) => instant.toISOString()),
    fc.constantFrom(...edges).map((ms) => new Date(ms).toISOString()),
    fc.tuple(fc.constantFrom(...edges), fc.constantFrom(-150, 120)).map(([ms, offsetMinutes]) => formatInZone(new Date(ms), offsetMinutes, 3)),
    fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((instant) => instant.toISOString()),
  );
};

/** Date-time-looking strings the schema rejects. */
const rejectedDateTimeArb = fc.oneof(
  fc.constantFrom(
    '2026-11-25T10:00:00',
    '2026-11-25 10:00:00Z',
    '2026-11-25t10:00:00z',
    '2026-11-25T10:00Z',
    '2026-02-30T10:00:00Z',
    '2026-02-29T10:00:00Z',
    '2026-11-25T24:00:00Z',
    '2026-11-25T10:00:60Z',
    '2026-11-25T10:00:00+0200',
    '2026-11-25T10:00:00+24:00',
    '2026-11-25T10:00:00.Z',
    '2026-11-25T10:00:00Z ',
    ' 2026-11-25T10:00:00Z',
    '2026-11-25',
    '+002026-11-25T10:00:00.000Z',
    '２０２６-11-25T10:00:00Z',
    '',
    'yesterday',
  ),
  fc.date({ noInvalidDate: true }).map((instant) => instant.toISOString()),
);

const dateTimeJson = (limits: JobEventLimits): fc.Arbitrary<string> =>
  mostly(
    fc.oneof({ weight: 4, arbitrary: acceptedDateTimeArb(limits) }, { weight: 1, arbitrary: rejectedDateTimeArb }).map((text) => JSON.stringify(text)),
    notAStringJson,
  );

/** eventID: 1–128 UTF-16 code units; 0, 128 and 129, astral characters (two units each), lone surrogates. */
const eventIdJson = mostly(
  fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 64 }),
      fc.constantFrom('', 'e', 'e'.repeat(128), 'e'.repeat(129), '😀'.repeat(64), `${'😀'.repeat(64)}e`, '\ud800', ' ', 'é'.repeat(128)),
      fc.string({ unit: 'binary', maxLength: 130 }),
    )
    .map((text) => JSON.stringify(text)),
  notAStringJson,
);

/** Fields outside the contract (ignored by the schema), names that look like the contract's, and repeated keys (the last wins). */
const extraFieldArb = fc.tuple(
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 10 }) },
    { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'eventid', 'CompanyID', 'nbjobs', 'format', 'eventTime', 'employee') },
    { weight: 1, arbitrary: fc.constantFrom('companyID', 'userID', 'nbJobs', 'creationDate', 'eventID', 'sentAt') },
  ),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
);

/** A JSON object record: each contract field present (usually) or absent, extra fields, any key order. */
const jsonObjectTextArb = (limits: JobEventLimits): fc.Arbitrary<string> =>
  fc
    .record({
      companyID: fc.option(companyIdArb.map((id) => JSON.stringify(id)).chain((id) => mostly(fc.constant(id), notAStringJson)), { freq: 20 }),
      userID: fc.option(userIdArb.map((id) => JSON.stringify(id)).chain((id) => mostly(fc.constant(id), notAStringJson)), { freq: 20 }),
      nbJobs: fc.option(nbJobsJson(limits), { freq: 20 }),
      creationDate: fc.option(dateTimeJson(limits), { freq: 3 }),
      eventID: fc.option(eventIdJson, { freq: 3 }),
      sentAt: fc.option(dateTimeJson(limits), { freq: 3 }),
      extras: fc.array(extraFieldArb, { maxLength: 3 }),
    })
    .chain(({ extras, ...contract }) => {
      const present = Object.entries(contract).filter((entry): entry is [string, string] => entry[1] !== null);
      const entries = [...present, ...extras];
      return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });
    })
    .map((entries) => `{${entries.map(([name, valueJson]) => `${JSON.stringify(name)}:${valueJson}`).join(',')}}`);

/** A CSV line built from the same field values (CSV always takes the schema path). */
const csvTextArb = (limits: JobEventLimits): fc.Arbitrary<string> =>
  fc
    .tuple(companyIdArb, userIdArb, nbJobsJson(limits), fc.option(fc.oneof(acceptedDateTimeArb(limits), rejectedDateTimeArb)))
    .map(([companyID, userID, nbJobs, creationDate]) => [companyID, userID, nbJobs, ...(creationDate === null ? [] : [creationDate])].join(','));

/** A record's bytes for the limits: the text as it is, with blanks around it or a BOM, broken, or in an array. */
const recordArb = (limits: JobEventLimits): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(
      fc.oneof({ weight: 8, arbitrary: jsonObjectTextArb(limits) }, { weight: 1, arbitrary: csvTextArb(limits) }),
      fc.oneof(
        { weight: 12, arbitrary: fc.constant('as it is') },
        { weight: 1, arbitrary: fc.constantFrom('blanks', 'newline', 'bom', 'array', 'truncated', 'trailing text', 'two objects') },
      ),
      fc.nat(),
    )
    .map(([text, envelope, cut]) => {
      switch (envelope) {
        case 'blanks':
          return utf8.encode(` \t${text}\r\n `);
        case 'newline':
          return utf8.encode(`${text}\n`);
        case 'bom':
          return Uint8Array.from([...BOM, ...utf8.encode(text)]);
        case 'array':
          return utf8.encode(`[${text}]`);
        case 'truncated':
          return utf8.encode(text.slice(0, cut % Math.max(1, text.length)));
        case 'trailing text':
          return utf8.encode(`${text}x`);
        case 'two objects':
          return utf8.encode(`${text}${text}`);
        default:
          return utf8.encode(text);
      }
    });

/** A context, half the time the default one, and a record generated around its limits. */
const caseArb = fc
  .oneof(fc.constant<DecodeContext>({ arrivalTime, now }), fc.constantFrom(...CONTEXTS))
  .chain((ctx) => fc.tuple(fc.constant(ctx), recordArb(limitsOf(ctx))));

/** Decodes `data` both ways; fails the property unless the outcomes are the same. Returns whether the fast path decided. */
function expectSameOutcome(data: Uint8Array, ctx: DecodeContext, schemaCalls: jest.SpyInstance): boolean {
  // Act
  schemaCalls.mockClear();
  const fast = decodeJobEvent(data, ctx);
  const tookFastPath = schemaCalls.mock.calls.length === 0 && fast.ok;
  const reference = decodeJobEventBySchema(data, ctx);

  // Assess
  expect(fast).toStrictEqual(reference);
  if (fast.ok && reference.ok) {
    expect(Object.keys(fast.value)).toEqual(Object.keys(reference.value));
  }
  return tookFastPath;
}

describe('decodeJobEvent fast path', () => {
  it('takes the fast path for a valid JSON record and the schema path for anything else', () => {
    // Prepare
    const schemaCalls = jest.spyOn(jobEventSchema, 'safeParse');
    const ctx = { arrivalTime, now };
    const valid = utf8.encode('{"companyID":"comp_4","userID":"user_1","nbJobs":1,"creationDate":"2026-11-25T10:00:00+02:00","eventID":"e-1"}');

    // Act
    const decoded = decodeJobEvent(valid, ctx);
    const callsForValid = schemaCalls.mock.calls.length;
    decodeJobEvent(utf8.encode('{"companyID":"comp_4","userID":"user_1","nbJobs":"1"}'), ctx);
    decodeJobEvent(utf8.encode('comp_4,user_1,1'), ctx);

    // Assess
    expect(decoded).toStrictEqual({
      ok: true,
      value: { companyID: 'comp_4', userID: 'user_1', nbJobs: 1, creationDate: '2026-11-25T10:00:00+02:00', eventID: 'e-1', eventTime: '2026-11-25T08:00:00.000Z', format: 'json' },
    });
    expect(callsForValid).toBe(0);
    expect(schemaCalls).toHaveBeenCalledTimes(2);
  });

  it('gives the same outcome as the schema path on generated valid and invalid records', () => {
    // Prepare
    const schemaCalls = jest.spyOn(jobEventSchema, 'safeParse');
    const numRuns = 4_000;
    let fastPathDecisions = 0;

    // Act
    fc.assert(
      fc.property(caseArb, ([ctx, data]) => {
        fastPathDecisions += expectSameOutcome(data, ctx, schemaCalls) ? 1 : 0;
      }),
      { numRuns },
    );

    // Assess: both paths were exercised, so the property above compared something
    expect(fastPathDecisions).toBeGreaterThan(numRuns * 0.1);
    expect(fastPathDecisions).toBeLessThan(numRuns * 0.9);
  });

  it('gives the same outcome as the schema path on arbitrary JSON values, strings and bytes', () => {
    const schemaCalls = jest.spyOn(jobEventSchema, 'safeParse');
    const anyRecord = fc.oneof(
      fc.jsonValue().map((value) => utf8.encode(JSON.stringify(value))),
      fc.string({ unit: 'binary', maxLength: 200 }).map((text) => utf8.encode(text)),
      fc.uint8Array({ maxLength: 200 }),
    );
    fc.assert(
      fc.property(anyRecord, fc.constantFrom(...CONTEXTS), (data, ctx) => {
        expectSameOutcome(data, ctx, schemaCalls);
      }),
      { numRuns: 1_000 },
    );
  });

  it('checks companyID and userID with the same rule as their schemas', () => {
    fc.assert(
      fc.property(companyIdArb, userIdArb, (companyID, userID) => {
        expect(COMPANY_ID_PATTERN.test(companyID)).toBe(companyIdSchema.safeParse(companyID).success);
        expect(USER_ID_PATTERN.test(userID)).toBe(userIdSchema.safeParse(userID).success);
        expect(USER_ID_PATTERN.test(companyID)).toBe(userIdSchema.safeParse(companyID).success);
      }),
      { numRuns: 2_000 },
    );
  });
});
