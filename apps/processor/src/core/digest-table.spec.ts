import fc from 'fast-check';
import { DigestTable } from './digest-table';

/** Digests below 2⁵³; many share their low 32 bits (the same home slot), so runs and shifts happen. */
const digest = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 53 - 1 }),
  fc.tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 2 ** 21 - 1 })).map(([low, high]) => high * 2 ** 32 + low),
);

type Operation = { readonly kind: 'set'; readonly key: number; readonly value: number } | { readonly kind: 'delete'; readonly key: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: digest, value: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
  fc.record({ kind: fc.constant('delete' as const), key: digest }),
);

describe('DigestTable', () => {
  it('answers as a Map would after any sequence of sets and deletes, across growing and shrinking', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 4_000 }), (operations) => {
        // Prepare
        const table = new DigestTable();
        const model = new Map<number, number>();

        // Act
        for (const op of operations) {
          if (op.kind === 'set') {
            table.set(op.key, op.value);
            model.set(op.key, op.value);
          } else {
            expect(table.delete(op.key)).toBe(model.delete(op.key));
          }
        }

        // Assess
        expect(table.size).toBe(model.size);
        for (const op of operations) expect(table.get(op.key)).toBe(model.get(op.key));
      }),
      { numRuns: 200 },
    );
  });

  it('grows past its first capacity and gives memory back when emptied, keeping every entry', () => {
    // Prepare: keys sharing their low 32 bits land in one run of slots
    const table = new DigestTable();
    const keys = Array.from({ length: 5_000 }, (_, index) => index * 2 ** 32 + 7);

    // Act
    keys.forEach((key, index) => table.set(key, index));
    const full = keys.every((key, index) => table.get(key) === index);
    for (const key of keys.slice(0, 4_990)) table.delete(key);

    // Assess
    expect(full).toBe(true);
    expect(table.size).toBe(10);
    expect(keys.slice(4_990).map((key) => table.get(key))).toEqual(keys.slice(4_990).map((_, index) => 4_990 + index));
    expect(table.get(keys[0] as number)).toBeUndefined();
  });

  it('refuses values it cannot hold', () => {
    const table = new DigestTable();

    expect(() => table.set(1, -1)).toThrow(/integers from 0/);
    expect(() => table.set(1, 2 ** 31)).toThrow(/integers from 0/);
  });
});
