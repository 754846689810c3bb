import { sigmoid } from './math';

describe('sigmoid', () => {
  it('is one half at zero and symmetric', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 15);
  });

  it('stays finite and within [0, 1] for extreme scores', () => {
    expect(sigmoid(1_000)).toBe(1);
    expect(sigmoid(-1_000)).toBe(0);
    expect(sigmoid(-40)).toBeGreaterThan(0);
  });
});
