import { execFileSync } from 'node:child_process';

/** Resident set size of `pid` in KiB (`ps -o rss=`), or undefined when it is gone. */
export function residentKib(pid: number): number | undefined {
  try {
    const text = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return text === '' ? undefined : Number(text);
  } catch {
    return undefined;
  }
}

/** One (x, y) sample. */
export interface Sample {
  readonly x: number;
  readonly y: number;
}

/** Least-squares slope of y over x (0 for fewer than two distinct x). */
export function slope(samples: readonly Sample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanX = samples.reduce((sum, { x }) => sum + x, 0) / n;
  const meanY = samples.reduce((sum, { y }) => sum + y, 0) / n;
  const covariance = samples.reduce((sum, { x, y }) => sum + (x - meanX) * (y - meanY), 0);
  const variance = samples.reduce((sum, { x }) => sum + (x - meanX) ** 2, 0);
  return variance === 0 ? 0 : covariance / variance;
}
