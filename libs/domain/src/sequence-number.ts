/**
 * Compares two Kinesis sequence numbers numerically. They are decimal strings of up to 128 digits,
 * of varying length, and may come zero-padded (the state's watermarks are fixed-width): leading
 * zeros are ignored, then the longer number is the greater, then the digits decide.
 *
 * @returns a negative number when `a` comes first, 0 when equal, a positive number when `b` does
 * @example
 * ['10', '9', '0011'].sort(compareSequenceNumbers); // ['9', '10', '0011']
 */
export function compareSequenceNumbers(a: string, b: string): number {
  // Digit strings of one width (zeros included) compare as numbers: the common case, natively.
  if (a.length === b.length) return a < b ? -1 : a > b ? 1 : 0;
  // Index arithmetic instead of slicing: this runs for every record and company of a batch.
  const startA = firstSignificantDigit(a);
  const startB = firstSignificantDigit(b);
  const lengthA = a.length - startA;
  const lengthB = b.length - startB;
  if (lengthA !== lengthB) return lengthA < lengthB ? -1 : 1;
  for (let i = 0; i < lengthA; i++) {
    const difference = a.charCodeAt(startA + i) - b.charCodeAt(startB + i);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return 0;
}

/** The index of the first digit that is not a leading zero (the last digit of an all-zero string). */
function firstSignificantDigit(digits: string): number {
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 48) start += 1;
  return start;
}
