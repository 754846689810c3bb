import fc from 'fast-check';
import { compareSequenceNumbers } from './sequence-number';

describe('compareSequenceNumbers', () => {
  it('orders by numeric value, whatever the lengths and padding', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 60n }), fc.bigInt({ min: 0n, max: 10n ** 60n }), fc.nat(70), fc.nat(70), (a, b, padA, padB) => {
        // Prepare
        const text = (value: bigint, pad: number): string => value.toString().padStart(pad, '0');

        // Act
        const result = compareSequenceNumbers(text(a, padA), text(b, padB));

        // Assess
        expect(Math.sign(result)).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });

  it('sorts real sequence numbers of different lengths', () => {
    expect(['49680761460795293201037836798016715682536565655902093314', '10', '9', '0011'].sort(compareSequenceNumbers)).toEqual([
      '9',
      '10',
      '0011',
      '49680761460795293201037836798016715682536565655902093314',
    ]);
  });
});
