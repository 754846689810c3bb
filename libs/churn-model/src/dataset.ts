import { createRandom, generateCompany, seedChurnRule, toFeatureVector, type ChurnFeatures } from '@tenant-analytics/domain';
import type { DatasetConfig } from './artifact';

/** One row of the training or evaluation set. */
export interface LabelledExample {
  /** The feature vector (`toFeatureVector` order). */
  readonly features: readonly number[];
  /** 1 = churn, by the seed's rule. */
  readonly label: 0 | 1;
  /** Whether job30/job90 grew beyond the generated profile (the streamed-events segment). */
  readonly grown: boolean;
}

/** A data set split into a training part and a held-out part. */
export interface SplitDataset {
  readonly train: readonly LabelledExample[];
  readonly test: readonly LabelledExample[];
}

/** Jobs added in the last 30 days at most (the pipeline sees counts of a few hundred). */
export const MAX_EXTRA_JOBS_30_DAYS = 500;
/** Jobs added between 30 and 90 days ago at most. */
export const MAX_EXTRA_JOBS_31_TO_90_DAYS = 2_000;
/** Share of grown companies whose profile is older than 30 days, so job30 counts streamed jobs only. */
export const PROFILE_AGED_OUT_OF_30_DAYS = 0.2;
/** Share of those whose profile is also older than 90 days. */
export const PROFILE_AGED_OUT_OF_90_DAYS = 0.5;

const GROWTH_SALT = 0x5bd1e995;
const SPLIT_SALT = 0x27d4eb2f;

/** An integer in [0, max], log-uniform (small counts common, large ones present). */
function logUniformInt(random: () => number, max: number): number {
  return Math.floor(Math.exp(random() * Math.log(max + 1))) - 1;
}

/**
 * The company as the processor may score it after streamed job events (ARCHITECTURE.md §3):
 * the profile's job30/job90 plus recent jobs, or only the recent jobs when the profile is older
 * than the window. job90 always includes job30's additions.
 */
export function growCompany<T extends ChurnFeatures>(company: T, random: () => number): T {
  const extra30 = logUniformInt(random, MAX_EXTRA_JOBS_30_DAYS);
  const extra90 = extra30 + logUniformInt(random, MAX_EXTRA_JOBS_31_TO_90_DAYS);
  const agedOut30 = random() < PROFILE_AGED_OUT_OF_30_DAYS;
  const agedOut90 = agedOut30 && random() < PROFILE_AGED_OUT_OF_90_DAYS;
  return {
    ...company,
    job30: (agedOut30 ? 0 : company.job30) + extra30,
    job90: (agedOut90 ? 0 : company.job90) + extra90,
  };
}

function mixSeed(seed: number, index: number, salt: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b) ^ salt) >>> 0;
}

/**
 * The `index`-th example of the data set: `generateCompany(seed, index)`, grown with probability
 * `grownFraction`, labelled by `seedChurnRule`. Depends only on `(config, index)`.
 */
export function exampleAt(config: DatasetConfig, index: number): LabelledExample {
  const generated = generateCompany(config.seed, index);
  const random = createRandom(mixSeed(config.seed, index, GROWTH_SALT));
  const grown = random() < config.grownFraction;
  const company = grown ? growCompany(generated, random) : generated;
  return { features: toFeatureVector(company), label: seedChurnRule(company) ? 1 : 0, grown };
}

/**
 * The whole data set, split by a seeded shuffle: exactly `round(size × testFraction)` examples are
 * held out. Same config, same split, on every machine.
 */
export function buildDataset(config: DatasetConfig): SplitDataset {
  const order = Array.from({ length: config.size }, (_, index) => index);
  const random = createRandom(mixSeed(config.seed, config.size, SPLIT_SALT));
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] ?? j, order[i] ?? i];
  }
  const testCount = Math.round(config.size * config.testFraction);
  const testIndexes = new Set(order.slice(0, testCount));
  const train: LabelledExample[] = [];
  const test: LabelledExample[] = [];
  for (let index = 0; index < config.size; index += 1) {
    (testIndexes.has(index) ? test : train).push(exampleAt(config, index));
  }
  return { train, test };
}
