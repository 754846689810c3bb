import fc from 'fast-check';
import { isZonedDateTime, zonedDateTimeSchema } from './date-time';

const schemaAccepts = (text: string): boolean => zonedDateTimeSchema.safeParse(text).success;

/** Mostly `valid`, sometimes `invalid`: each field of a date-time is broken on its own now and then. */
const mostly = (valid: fc.Arbitrary<string>, invalid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: invalid });

/** Two-digit fields up to `max`, beyond it, and a few that are not two ASCII digits. */
const twoDigits = (max: number): fc.Arbitrary<string> =>
  mostly(
    fc.integer({ min: 0, max }).map((value) => String(value).padStart(2, '0')),
    fc.oneof(fc.integer({ min: 0, max: 99 }).map((value) => String(value).padStart(2, '0')), fc.constantFrom('', '0', '000', '1a', '٠١', '０１', ' 1', '-1')),
  );

/**
 * A date-time built from fields that are mostly valid, with every separator and zone form; century
 * years and the last days of February come often, so that the leap-year rule is exercised.
 */
const nearlyValidDateTime = fc
  .record({
    year: fc.oneof(
      fc.integer({ min: 0, max: 9999 }).map((year) => String(year).padStart(4, '0')),
      fc.constantFrom('1900', '2000', '2100', '2400', '0000', '1600', '2024', '2023'),
      fc.constantFrom('202', '20245', '+2026', '２０２６'),
    ),
    month: fc.oneof(twoDigits(12), fc.constant('02')),
    day: fc.oneof(twoDigits(31), fc.constantFrom('28', '29', '30', '31')),
    dateTimeSeparator: mostly(fc.constant('T'), fc.constantFrom('t', ' ', '')),
    hours: twoDigits(23),
    minutes: twoDigits(59),
    seconds: mostly(twoDigits(59), fc.constant('')),
    fraction: mostly(fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,12}$/)), fc.constantFrom('.', ',5', '.5.5', '.٣')),
    zone: mostly(
      fc.oneof(
        fc.constant('Z'),
        fc.tuple(fc.constantFrom('+', '-'), twoDigits(23), mostly(fc.constant(':'), fc.constantFrom('', '.')), twoDigits(59)).map((parts) => parts.join('')),
      ),
      fc.constantFrom('z', '', 'UTC', '+0200', '+02', '+24:00', '-12:60', '−01:00', 'Z ', '\n'),
    ),
  })
  .map(({ year, month, day, dateTimeSeparator, hours, minutes, seconds, fraction, zone }) => {
    const time = seconds === '' ? `${hours}:${minutes}` : `${hours}:${minutes}:${seconds}`;
    return `${year}-${month}-${day}${dateTimeSeparator}${time}${fraction}${zone}`;
  });

/** A valid date-time with one character replaced, inserted or deleted. */
const mutatedDateTime = fc
  .tuple(
    fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.nat(),
    fc.constantFrom('replace', 'insert', 'delete'),
    fc.constantFrom('0', '5', '9', '-', ':', 'T', 'Z', 'z', '+', '.', ' ', '٣', '\u0000'),
  )
  .map(([date, at, edit, char]) => {
    const text = date.toISOString();
    const index = at % text.length;
    const kept = edit === 'insert' ? text.slice(index) : text.slice(index + 1);
    return `${text.slice(0, index)}${edit === 'delete' ? '' : char}${kept}`;
  });

describe('isZonedDateTime', () => {
  it.each([
    ['2026-11-25T10:00:00Z', true],
    ['2026-11-25T10:00:00.123456789+14:00', true],
    ['2024-02-29T23:59:59-02:30', true],
    ['2000-02-29T00:00:00Z', true],
    ['1900-02-29T00:00:00Z', false],
    ['2026-02-30T10:00:00Z', false],
    ['2026-11-25T10:00:00', false],
    ['2026-11-25T10:00Z', false],
    ['2026-11-25t10:00:00z', false],
    ['2026-11-25T24:00:00Z', false],
    ['2026-11-25T10:00:00.Z', false],
    ['2026-11-25T10:00:00+0200', false],
  ])('decides %s as the schema does (%s)', (text, expected) => {
    expect(isZonedDateTime(text)).toBe(expected);
    expect(schemaAccepts(text)).toBe(expected);
  });

  it('agrees with zonedDateTimeSchema on nearly valid date-times', () => {
    fc.assert(
      fc.property(nearlyValidDateTime, (text) => {
        expect(isZonedDateTime(text)).toBe(schemaAccepts(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with zonedDateTimeSchema on valid date-times with one character edited', () => {
    fc.assert(
      fc.property(mutatedDateTime, (text) => {
        expect(isZonedDateTime(text)).toBe(schemaAccepts(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with zonedDateTimeSchema on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(isZonedDateTime(text)).toBe(schemaAccepts(text));
      }),
    );
  });
});
