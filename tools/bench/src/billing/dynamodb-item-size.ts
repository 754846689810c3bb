import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A DynamoDB item in the low-level (typed) shape the SDK sends and returns. */
export type DynamoDbItem = Readonly<Record<string, AttributeValue>>;

const utf8 = new TextEncoder();

/** Bytes of a string in UTF-8 (what DynamoDB counts for names and string values). */
export function utf8Bytes(text: string): number {
  // Fast path: ASCII-only strings are one byte per character.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text.length : utf8.encode(text).length;
}

/**
 * Bytes of a DynamoDB number. DynamoDB stores numbers in a base-100 form: one byte per pair of
 * significant digits, the pairs aligned on the decimal point, plus one byte of exponent and one
 * more for a negative number; zero takes one byte. AWS documents it as "about one byte per two
 * significant digits, plus one byte" (leading and trailing zeros trimmed); this is the exact form
 * that dynalite's sizes (checked against DynamoDB) follow, e.g. `12` → 2, `123` → 3, `1.2` → 3.
 * An unparseable number counts as its characters (DynamoDB would reject the request anyway).
 */
export function numberBytes(text: string): number {
  const match = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) return utf8Bytes(text);
  const negative = match[1] === '-';
  const integerDigits = match[2] ?? '';
  const fraction = match[3] ?? '';
  const exponent = Number(match[4] ?? 0);
  const digits = `${integerDigits}${fraction}`;
  const first = digits.search(/[1-9]/);
  if (first < 0) return 1; // zero
  const last = digits.length - 1 - [...digits].reverse().findIndex((digit) => digit !== '0');
  const significant = last - first + 1;
  // Power of ten of the most significant digit.
  const leadingPower = integerDigits.length - 1 - first + exponent;
  // The mantissa starts on a base-100 boundary: an odd leading power starts a full pair, an even one
  // a pair whose first digit is an implicit zero.
  const padded = significant + (leadingPower % 2 === 0 ? 1 : 0);
  return 1 + Math.ceil(padded / 2) + (negative ? 1 : 0);
}

function binaryBytes(value: Uint8Array | string): number {
  // The SDK hands binary values over as bytes; a base64 string (marshalled by hand) counts decoded.
  return typeof value === 'string' ? Buffer.from(value, 'base64').length : value.byteLength;
}

/**
 * Bytes of one attribute value, per "DynamoDB item sizes and formats" (developer guide): strings by
 * UTF-8 bytes, binary by raw bytes, numbers see {@link numberBytes}, null and Boolean 1 byte, sets
 * the sum of their elements, a list or map 3 bytes plus 1 byte per element plus its elements (and,
 * for a map, its keys).
 */
export function attributeValueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return binaryBytes(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + utf8Bytes(element), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, element) => sum + numberBytes(element), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, element) => sum + binaryBytes(element), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + attributeValueBytes(element), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + utf8Bytes(name) + attributeValueBytes(element), 0);
  return 0;
}

/**
 * The size DynamoDB bills an item at: the sum over its attributes of the name's UTF-8 bytes and the
 * value's bytes ({@link attributeValueBytes}). The 100 bytes of per-item storage overhead count for
 * storage only, not for capacity units, so they are not included.
 *
 * @example
 * itemBytes({ pk: { S: 'company#1' }, n: { N: '12' } }); // 2 + 9 + 1 + 2 = 14
 */
export function itemBytes(item: DynamoDbItem): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += utf8Bytes(name) + attributeValueBytes(value);
  return total;
}

/** One write request unit per started 1 KB (1,024 bytes); at least one. */
export function writeUnitsFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1_024));
}

/** One read request unit per started 4 KB of a strongly consistent read, half for an eventually consistent one; at least one 4 KB block. */
export function readUnitsFor(bytes: number, consistent: boolean): number {
  const blocks = Math.max(1, Math.ceil(bytes / 4_096));
  return consistent ? blocks : blocks / 2;
}
