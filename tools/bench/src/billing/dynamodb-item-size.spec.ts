import { attributeValueBytes, itemBytes, numberBytes, readUnitsFor, utf8Bytes, writeUnitsFor } from './dynamodb-item-size';

describe('utf8Bytes', () => {
  it('counts UTF-8 bytes, not characters', () => {
    // Act & assess: é is 2 bytes, € 3, 😀 4 (a surrogate pair of two UTF-16 units)
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('é')).toBe(2);
    expect(utf8Bytes('€')).toBe(3);
    expect(utf8Bytes('😀')).toBe(4);
  });
});

describe('numberBytes', () => {
  it.each([
    ['0', 1],
    ['-0', 1],
    ['0.000', 1],
    ['5', 2],
    ['10', 2],
    ['12', 2],
    ['99', 2],
    ['100', 2],
    ['123', 3],
    ['2099', 3],
    ['1.2', 3],
    ['0.5', 2],
    ['0.05', 2],
    ['12345678', 5],
    ['123456789', 6],
    ['-12', 3],
    ['1e3', 2],
    ['1.5E+2', 3],
    ['0012300', 3],
  ])('sizes %s at %i bytes (one byte per base-100 digit pair, one for the exponent, one for the sign)', (text, bytes) => {
    // Act & assess
    expect(numberBytes(text)).toBe(bytes);
  });

  it('agrees with AWS’s rule of thumb, one byte per two significant digits plus one, on an even-aligned integer', () => {
    // Prepare: 38 significant digits, the most DynamoDB keeps
    const digits = '12345678901234567890123456789012345678';

    // Act & assess
    expect(numberBytes(digits)).toBe(38 / 2 + 1);
  });
});

describe('attributeValueBytes', () => {
  it('sizes scalars, sets, lists and maps by the developer guide’s rules', () => {
    // Act & assess
    expect(attributeValueBytes({ S: 'hello' })).toBe(5);
    expect(attributeValueBytes({ B: new Uint8Array(10) })).toBe(10);
    expect(attributeValueBytes({ BOOL: true })).toBe(1);
    expect(attributeValueBytes({ NULL: true })).toBe(1);
    expect(attributeValueBytes({ SS: ['a', 'bc'] })).toBe(3);
    expect(attributeValueBytes({ NS: ['1', '123'] })).toBe(2 + 3);
    // A list: 3 bytes, plus 1 per element, plus the elements
    expect(attributeValueBytes({ L: [] })).toBe(3);
    expect(attributeValueBytes({ L: [{ S: 'ab' }, { N: '1' }] })).toBe(3 + (1 + 2) + (1 + 2));
    // A map: 3 bytes, plus per element 1 + its name + its value
    expect(attributeValueBytes({ M: {} })).toBe(3);
    expect(attributeValueBytes({ M: { a: { S: 'xy' }, bc: { BOOL: false } } })).toBe(3 + (1 + 1 + 2) + (1 + 2 + 1));
  });

  it('decodes a base64 string binary value to count its raw bytes', () => {
    // Prepare: the raw bytes are what counts, not their base64 text
    const base64 = Buffer.from('0123456789').toString('base64') as unknown as Uint8Array;

    // Act & assess
    expect(attributeValueBytes({ B: base64 })).toBe(10);
  });
});

describe('itemBytes', () => {
  it('adds the attribute names’ UTF-8 bytes to the values’ bytes', () => {
    // Prepare: a company item like the state store's, sized by hand
    const item = {
      pk: { S: 'company#comp_1' }, // 2 + 14
      sk: { S: 'state' }, // 2 + 5
      version: { N: '12' }, // 7 + 2
      state: { S: '{"a":1}' }, // 5 + 7
      expiresAt: { N: '1800000000' }, // 9 + (1 + 1 digit pair for 18, exponent: "18" then zeros trimmed → 2)
    };

    // Act
    const bytes = itemBytes(item);

    // Assess
    expect(bytes).toBe(16 + 7 + 9 + 12 + 9 + 2);
  });

  it('counts a multi-byte attribute name by its UTF-8 bytes', () => {
    // Act & assess: "größe" is 7 bytes in UTF-8
    expect(itemBytes({ größe: { S: 'x' } })).toBe(7 + 1);
  });
});

describe('writeUnitsFor', () => {
  it('bills one write unit per started 1 KB, at least one', () => {
    // Act & assess
    expect(writeUnitsFor(0)).toBe(1);
    expect(writeUnitsFor(500)).toBe(1);
    expect(writeUnitsFor(1_024)).toBe(1);
    expect(writeUnitsFor(1_025)).toBe(2);
    // The company item: 12.9 KB bills 13 WRU
    expect(writeUnitsFor(12.9 * 1_024)).toBe(13);
    // AWS's condition-expression example: a 310 KB item bills 310 WRU
    expect(writeUnitsFor(310 * 1_024)).toBe(310);
  });
});

describe('readUnitsFor', () => {
  it('follows AWS’s documented read examples', () => {
    // "reading a 3,500-byte item consumes the same throughput as reading a 4 KB item"
    expect(readUnitsFor(3_500, true)).toBe(1);
    // "an 8 KB item: 2 read units strongly consistent, 1 eventually consistent"
    expect(readUnitsFor(8 * 1_024, true)).toBe(2);
    expect(readUnitsFor(8 * 1_024, false)).toBe(1);
    // GetItem: "a 10 KB item is rounded up to 12 KB"
    expect(readUnitsFor(10 * 1_024, true)).toBe(3);
  });

  it('bills one 4 KB block for a read that finds nothing, half of it eventually consistent', () => {
    // Act & assess
    expect(readUnitsFor(0, true)).toBe(1);
    expect(readUnitsFor(0, false)).toBe(0.5);
  });
});
