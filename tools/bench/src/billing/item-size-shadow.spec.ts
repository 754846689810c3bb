import { ItemSizeShadow } from './item-size-shadow';

describe('ItemSizeShadow', () => {
  it('files items by their primary key, whatever other attributes they carry', () => {
    // Prepare
    const shadow = new ItemSizeShadow({ t: ['pk', 'sk'] });

    // Act
    shadow.record('t', { pk: { S: 'a' }, sk: { S: 'b' }, data: { S: 'x' } }, 120);

    // Assess
    expect(shadow.sizeOf('t', { sk: { S: 'b' }, pk: { S: 'a' } })).toBe(120);
    expect(shadow.knownSizeOf('t', { pk: { S: 'a' }, sk: { S: 'other' } })).toBeUndefined();
    expect(shadow.sizeOf('t', { pk: { S: 'a' }, sk: { S: 'other' } })).toBe(0);
  });

  it('learns a table’s key from the first Key it sees', () => {
    // Prepare
    const shadow = new ItemSizeShadow();

    // Act
    shadow.learnKey('t', { id: { N: '1' } });
    shadow.learnKey('t', { other: { S: 'ignored' } });
    shadow.record('t', { id: { N: '1' }, name: { S: 'n' } }, 42);

    // Assess
    expect(shadow.keyNames('t')).toEqual(['id']);
    expect(shadow.sizeOf('t', { id: { N: '1' } })).toBe(42);
  });

  it('counts items it cannot file while their table’s key is unknown', () => {
    // Prepare
    const shadow = new ItemSizeShadow();

    // Act
    shadow.record('t', { id: { S: 'a' } }, 10);

    // Assess
    expect(shadow.unkeyed).toBe(1);
    expect(shadow.knownSizeOf('t', { id: { S: 'a' } })).toBeUndefined();
  });

  it('tells binary keys apart by their bytes', () => {
    // Prepare
    const shadow = new ItemSizeShadow({ t: ['k'] });

    // Act
    shadow.record('t', { k: { B: new Uint8Array([1, 2]) } }, 5);

    // Assess
    expect(shadow.sizeOf('t', { k: { B: new Uint8Array([1, 2]) } })).toBe(5);
    expect(shadow.sizeOf('t', { k: { B: new Uint8Array([1, 3]) } })).toBe(0);
  });
});
