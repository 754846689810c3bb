import type { ChurnScorer } from '@tenant-analytics/processor';
import { generateCompanies } from '@tenant-analytics/domain';
import { CapacityGatedScorer } from './capacity-gate';
import { trackingScorer } from './testing/tracking-scorer';

/** A scorer whose calls stay open until the test releases them. */
function heldScorer() {
  const open: (() => void)[] = [];
  return { open, ...trackingScorer(() => new Promise<void>((resolve) => open.push(resolve))) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('CapacityGatedScorer', () => {
  it('never lets more than capacity calls through, even when newcomers race a finishing call', async () => {
    // Prepare
    const held = heldScorer();
    const gate = new CapacityGatedScorer(held.scorer, 2);
    const companies = generateCompanies(1, 1);

    // Act: 4 calls; one finishes while a newcomer arrives in the same tick; then release one by one
    const calls = Array.from({ length: 4 }, () => gate.score(companies));
    await flush();
    const openAtFirst = held.open.length;
    held.open.shift()?.();
    calls.push(gate.score(companies));
    while (gate.calls < 5) {
      await flush();
      held.open.shift()?.();
    }
    await Promise.all(calls);

    // Assess
    expect(openAtFirst).toBe(2);
    expect(held.maxInFlight()).toBe(2);
    expect(gate.maxInFlight).toBe(2);
    expect(gate.maxBatchSize).toBe(50);
  });

  it('counts calls and companies and measures call time', async () => {
    // Prepare
    const inner: ChurnScorer = { maxBatchSize: 10, score: async (batch) => batch.map(() => ({ churn: false, probability: 0.2 })) };
    const gate = new CapacityGatedScorer(inner, 20);

    // Act
    const verdicts = await gate.score(generateCompanies(1, 3));

    // Assess
    expect(verdicts).toHaveLength(3);
    expect([gate.calls, gate.companies]).toEqual([1, 3]);
    expect(gate.meanCallMs).toBeGreaterThanOrEqual(0);
  });

  it('frees the slot of a failed call', async () => {
    // Prepare
    const inner: ChurnScorer = { maxBatchSize: 1, score: async () => Promise.reject(new Error('503')) };
    const gate = new CapacityGatedScorer(inner, 1);

    // Act
    await expect(gate.score(generateCompanies(1, 1))).rejects.toThrow('503');
    await expect(gate.score(generateCompanies(1, 1))).rejects.toThrow('503');

    // Assess
    expect(gate.calls).toBe(2);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new CapacityGatedScorer({ maxBatchSize: 1, score: async () => [] }, 0)).toThrow(RangeError);
  });
});
