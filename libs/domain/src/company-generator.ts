import type { Company } from './company';

/** Industries the seed's CompanyDataGenerator draws from, in its order. */
export const SEED_INDUSTRIES = ['gov', 'health', 'retail', 'travel', 'energy', 'IT', 'finance', 'consulting', 'service'] as const;

/** A small, fast, seedable PRNG (mulberry32): same seed, same sequence, on every machine. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function intBetween(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** The id of the company at `index` in the generated data set. */
export function companyIdAt(index: number): string {
  return `comp_${index}`;
}

/**
 * The company at `index` of the data set generated from `seed`, with the seed's
 * CompanyDataGenerator distribution: revenu 10–99,990 (multiples of 10); employees = revenu/2, /3
 * or /4; job30 3–9; job90 10–99; monthlyFee 100–1,199; totalFee 101–13,140. `riskOfChurn` is
 * `false` (the model decides it).
 *
 * Each company depends only on `(seed, index)`, so the tenant manager, the producer and the model's
 * training set agree on `comp_i` without sharing a file.
 */
export function generateCompany(seed: number, index: number): Company {
  const random = createRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const industry = SEED_INDUSTRIES[intBetween(random, 0, SEED_INDUSTRIES.length - 1)] ?? 'gov';
  const revenu = intBetween(random, 1, 9_999) * 10;
  const employees = Math.floor(revenu / intBetween(random, 2, 4));
  return {
    companyID: companyIdAt(index),
    industry,
    revenu,
    employees,
    job30: intBetween(random, 3, 9),
    job90: intBetween(random, 10, 99),
    monthlyFee: intBetween(random, 100, 1_199),
    totalFee: intBetween(random, 101, 13_140),
    riskOfChurn: false,
  };
}

/** The whole data set `comp_0 … comp_{count-1}` for `seed`. */
export function generateCompanies(seed: number, count: number): Company[] {
  return Array.from({ length: count }, (_, index) => generateCompany(seed, index));
}

/** The data set's default seed and size (ARCHITECTURE.md, issue "Upstream services"). */
export const DEFAULT_DATASET = { seed: 42, size: 10_000 } as const;
