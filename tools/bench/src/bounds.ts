/**
 * Throughput bounds of ARCHITECTURE.md §7. With `capacity` calls in flight, each scoring
 * `batchSize` events and taking `latencyMs`, Little's law caps the rate at
 * `capacity × batchSize / latency`; the seed's design is the case `batchSize = 1`.
 *
 * @throws RangeError when a parameter is not positive
 */
export function littlesLawBound(settings: { readonly capacity: number; readonly batchSize: number; readonly latencyMs: number }): number {
  const { capacity, batchSize, latencyMs } = settings;
  if (!(capacity > 0 && batchSize > 0 && latencyMs > 0)) {
    throw new RangeError(`capacity, batch size and latency must be positive, got ${capacity}, ${batchSize}, ${latencyMs} ms`);
  }
  return (capacity * batchSize * 1_000) / latencyMs;
}

/**
 * The rate at which a design saturates `cores` cores: `cores × 10⁶ / CPU µs per event`. Our
 * process runs its JavaScript on one thread, so its bound is one core's worth.
 *
 * @throws RangeError when the CPU cost is not positive
 */
export function cpuBound(cpuMicrosPerEvent: number, cores = 1): number {
  if (!(cpuMicrosPerEvent > 0)) throw new RangeError(`CPU µs per event must be positive, got ${cpuMicrosPerEvent}`);
  return (cores * 1e6) / cpuMicrosPerEvent;
}

/** Which bound limits a design, and how close a measured rate came to it. */
export interface BoundAttainment {
  readonly littlesLaw: number;
  readonly cpu: number;
  /** The lower of the two. */
  readonly bound: number;
  readonly limitedBy: 'latency' | 'cpu';
  /** measured / bound */
  readonly fraction: number;
}

/**
 * The bound scenario 2 judges against: Little's-law bound or the CPU bound (the same pipeline with
 * no injected latency), whichever is lower, and the share of it that `measured` reached.
 */
export function boundAttainment(measured: number, littlesLaw: number, cpu: number): BoundAttainment {
  const limitedBy = cpu < littlesLaw ? 'cpu' : 'latency';
  const bound = Math.min(littlesLaw, cpu);
  return { littlesLaw, cpu, bound, limitedBy, fraction: bound > 0 ? measured / bound : 0 };
}

/** A target of the issue, with what was measured and whether it was met. */
export interface TargetVerdict {
  /** What the target is, in words: "ours ≥ 100,000 events/s". */
  readonly target: string;
  /** The measured value, formatted. */
  readonly measured: string;
  readonly met: boolean;
}

/** A lower-bound target (`measured ≥ threshold`), with the measured value formatted by `format`. */
export function atLeast(target: string, measured: number | undefined, threshold: number, format: (value: number) => string): TargetVerdict {
  return { target, measured: measured === undefined ? 'n/a' : format(measured), met: measured !== undefined && measured >= threshold };
}

/** An upper-bound target (`measured ≤ threshold`). */
export function atMost(target: string, measured: number | undefined, threshold: number, format: (value: number) => string): TargetVerdict {
  return { target, measured: measured === undefined ? 'n/a' : format(measured), met: measured !== undefined && measured <= threshold };
}
