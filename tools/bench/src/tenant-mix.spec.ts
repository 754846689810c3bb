import { createRandom } from '@tenant-analytics/domain';
import { expectedDistinctCompanies, tenantMixName, tenantShares, weightedCompanyIds } from './tenant-mix';

const ids = (count: number) => Array.from({ length: count }, (_, index) => `comp_${index}`);
const ZIPF = { kind: 'zipf', exponent: 1.1 } as const;

describe('tenantShares', () => {
  it('gives Zipf shares proportional to 1/k^s, summing to 1', () => {
    // Act
    const shares = tenantShares(3, { kind: 'zipf', exponent: 1 });

    // Assess: 1 : 1/2 : 1/3 over 11/6
    expect(shares[0]).toBeCloseTo(6 / 11, 12);
    expect(shares[1]).toBeCloseTo(3 / 11, 12);
    expect(shares[2]).toBeCloseTo(2 / 11, 12);
  });

  it('gives the head of Zipf(1.1) over 10,000 companies about 15 % of the events', () => {
    // Act
    const shares = tenantShares(10_000, ZIPF);

    // Assess
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 9);
    expect(shares[0]).toBeGreaterThan(0.14);
    expect(shares[0]).toBeLessThan(0.16);
  });

  it('rejects a count that is not a positive integer and a negative exponent', () => {
    // Act & assess
    expect(() => tenantShares(0, ZIPF)).toThrow(RangeError);
    expect(() => tenantShares(10, { kind: 'zipf', exponent: -1 })).toThrow(RangeError);
  });
});

describe('weightedCompanyIds', () => {
  it('fills exactly `slots` entries, every company at least once, in proportion to its share', () => {
    // Act
    const list = weightedCompanyIds(ids(10_000), ZIPF, 1_000_000);

    // Assess
    expect(list).toHaveLength(1_000_000);
    const counts = new Map<string, number>();
    for (const id of list) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(10_000);
    const shares = tenantShares(10_000, ZIPF);
    expect((counts.get('comp_0') ?? 0) / 1_000_000).toBeCloseTo(shares[0] as number, 3);
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(1);
  });

  it('draws Zipf(1.1) frequencies when picked from uniformly, as the producer picks', () => {
    // Prepare
    const list = weightedCompanyIds(ids(1_000), ZIPF, 100_000);
    const random = createRandom(7);
    const draws = 200_000;

    // Act
    let head = 0;
    for (let i = 0; i < draws; i++) if (list[Math.floor(random() * list.length)] === 'comp_0') head += 1;

    // Assess: within 3 % of the share
    const share = tenantShares(1_000, ZIPF)[0] as number;
    expect(Math.abs(head / draws - share) / share).toBeLessThan(0.03);
  });

  it('keeps a uniform mix as the plain list', () => {
    // Act & assess
    expect(weightedCompanyIds(ids(3), { kind: 'uniform' }, 3)).toEqual(['comp_0', 'comp_1', 'comp_2']);
  });

  it('rejects fewer slots than companies', () => {
    // Act & assess
    expect(() => weightedCompanyIds(ids(10), ZIPF, 9)).toThrow(RangeError);
  });
});

describe('expectedDistinctCompanies', () => {
  it('matches the closed form of a uniform mix', () => {
    // Prepare: 10,000 companies, 250 events: 10,000 × (1 − (1 − 1/10,000)^250)
    const shares = tenantShares(10_000, { kind: 'uniform' });

    // Act & assess
    expect(expectedDistinctCompanies(shares, 250)).toBeCloseTo(10_000 * (1 - (1 - 1 / 10_000) ** 250), 6);
  });

  it('finds fewer distinct companies per batch under Zipf(1.1) than uniform', () => {
    // Act
    const zipf = expectedDistinctCompanies(tenantShares(10_000, ZIPF), 250) / 250;
    const uniform = expectedDistinctCompanies(tenantShares(10_000, { kind: 'uniform' }), 250) / 250;

    // Assess: a batch of 250 (one shard's second at 1,000 events/s over 4 shards) writes ~0.54 companies per event under Zipf, ~0.99 uniform
    expect(zipf).toBeGreaterThan(0.5);
    expect(zipf).toBeLessThan(0.58);
    expect(uniform).toBeGreaterThan(0.98);
  });

  it('names a mix', () => {
    // Act & assess
    expect(tenantMixName(ZIPF)).toBe('zipf(1.1)');
    expect(tenantMixName({ kind: 'uniform' })).toBe('uniform');
  });
});
