import { z } from 'zod';

/**
 * An ISO-8601 date-time with an explicit zone (`Z` or `±hh:mm`), e.g. `2026-11-25T10:00:00Z`.
 * Calendar-checked (no 30 February); a missing zone is rejected because its meaning depends on the
 * reader's clock.
 */
export const zonedDateTimeSchema = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time with a zone, e.g. 2026-11-25T10:00:00Z',
});

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

function digitAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= DIGIT_0 && code <= DIGIT_9 ? code - DIGIT_0 : -1;
}

/** The value of the two ASCII digits at `index`, or -1 if either is not one. */
function twoDigitsAt(text: string, index: number): number {
  const tens = digitAt(text, index);
  const units = digitAt(text, index + 1);
  return tens < 0 || units < 0 ? -1 : tens * 10 + units;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whether `text` from `index` on is exactly a zone: `Z` or `±hh:mm` (hh 00–23, mm 00–59). */
function isZoneAt(text: string, index: number): boolean {
  if (text.length === index + 1) {
    return text[index] === 'Z';
  }
  if (text.length !== index + 6 || (text[index] !== '+' && text[index] !== '-') || text[index + 3] !== ':') {
    return false;
  }
  const hours = twoDigitsAt(text, index + 1);
  const minutes = twoDigitsAt(text, index + 4);
  return hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59;
}

/**
 * Whether `text` is accepted by {@link zonedDateTimeSchema}, checked by hand without building a
 * zod result: `YYYY-MM-DDThh:mm:ss`, an optional fraction of any number of digits, then `Z` or
 * `±hh:mm`; ASCII digits only, leap years by the Gregorian rule for years 0000–9999. The decoders'
 * fast path uses it; a property test holds it to the schema on valid and mutated date-times.
 */
export function isZonedDateTime(text: string): boolean {
  if (text.length < 20 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') {
    return false;
  }
  const century = twoDigitsAt(text, 0);
  const yearOfCentury = twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  const hours = twoDigitsAt(text, 11);
  const minutes = twoDigitsAt(text, 14);
  const seconds = twoDigitsAt(text, 17);
  if (century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(century * 100 + yearOfCentury, month)) {
    return false;
  }
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) {
    return false;
  }
  let index = 19;
  if (text[index] === '.') {
    index += 1;
    const fractionStart = index;
    while (digitAt(text, index) >= 0) {
      index += 1;
    }
    if (index === fractionStart) {
      return false;
    }
  }
  return isZoneAt(text, index);
}
