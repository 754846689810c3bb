import { InvalidArgumentError } from 'commander';

function toNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new InvalidArgumentError(`expected a number, got '${value}'.`);
  }
  return parsed;
}

/** Commander parser: an integer ≥ 1. */
export function parsePositiveInt(value: string): number {
  const parsed = toNumber(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got '${value}'.`);
  }
  return parsed;
}

/** Commander parser: any integer (seeds). */
export function parseInteger(value: string): number {
  const parsed = toNumber(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(`expected a whole number, got '${value}'.`);
  }
  return parsed;
}

/** Commander parser: a number > 0. */
export function parsePositiveNumber(value: string): number {
  const parsed = toNumber(value);
  if (parsed <= 0) {
    throw new InvalidArgumentError(`expected a number above 0, got '${value}'.`);
  }
  return parsed;
}

/** Commander parser: a number ≥ 0. */
export function parseNonNegativeNumber(value: string): number {
  const parsed = toNumber(value);
  if (parsed < 0) {
    throw new InvalidArgumentError(`expected a number of at least 0, got '${value}'.`);
  }
  return parsed;
}

/** Commander parser: a share between 0 and 1. */
export function parseRatio(value: string): number {
  const parsed = toNumber(value);
  if (parsed < 0 || parsed > 1) {
    throw new InvalidArgumentError(`expected a ratio between 0 and 1 (0.01 = 1%), got '${value}'.`);
  }
  return parsed;
}

/** Commander parser: events per second above 0, or `max` for as fast as the stream takes them. */
export function parseRate(value: string): number {
  return value.trim().toLowerCase() === 'max' ? Number.POSITIVE_INFINITY : parsePositiveNumber(value);
}
