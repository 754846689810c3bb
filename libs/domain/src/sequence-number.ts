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
  const x = stripLeadingZeros(a);
  const y = stripLeadingZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripLeadingZeros(digits: string): string {
  let start = 0;
  while (start < digits.length - 1 && digits[start] === '0') start += 1;
  return digits.slice(start);
}
