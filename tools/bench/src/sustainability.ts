import { linearSlope, percentile } from './statistics';

/** One event seen at the end of the pipeline: when it was due to be sent, and its latency. */
export interface LatencySample {
  /** Scheduled send time (epoch ms): latency counts from here, so producer lag is included. */
  readonly sentAtMs: number;
  readonly latencyMs: number;
}

/** Thresholds that decide whether a rate was sustained. */
export interface SustainabilityCriteria {
  /**
   * Largest growth of latency over the step, in ms per second of sending. Above it a backlog is
   * building: at rate r and capacity c < r, latency grows by (1 − c/r) × 1000 ms every second.
   * @default 50 - the pipeline fell behind by more than 5 % of the rate
   */
  readonly maxLatencySlopeMsPerS?: number;
  /** Largest delay of the producer behind its schedule (the emulator did not take the rate). @default 1000 */
  readonly maxProducerLagMs?: number;
  /** Share of the step's events that must arrive before the step is judged. @default 1 */
  readonly minDelivered?: number;
}

/** What happened in one step of an open-loop rate. */
export interface StepObservation {
  readonly targetRate: number;
  readonly sent: number;
  readonly delivered: number;
  readonly producerMaxLagMs: number;
  readonly samples: readonly LatencySample[];
}

/** The verdict on one step, with its evidence. */
export interface StepVerdict {
  readonly sustainable: boolean;
  /** Growth of the per-second median latency over the step (ms per s). */
  readonly latencySlopeMsPerS: number;
  /** Why not, in words; empty when sustainable. */
  readonly reasons: readonly string[];
}

/**
 * The per-second median latency of the samples, by send second from the first sample: a series
 * whose slope tells a growing backlog from a steady one, and robust to a single GC pause.
 */
export function medianLatencyPerSecond(samples: readonly LatencySample[]): { x: number; y: number }[] {
  if (samples.length === 0) return [];
  const origin = samples.reduce((min, sample) => Math.min(min, sample.sentAtMs), Infinity);
  const bySecond = new Map<number, number[]>();
  for (const sample of samples) {
    const second = Math.floor((sample.sentAtMs - origin) / 1_000);
    const latencies = bySecond.get(second);
    if (latencies === undefined) bySecond.set(second, [sample.latencyMs]);
    else latencies.push(sample.latencyMs);
  }
  return [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([second, latencies]) => ({ x: second, y: percentile(latencies, 50) }));
}

/**
 * A rate is sustainable when the producer kept its schedule (the emulator took the rate), every
 * event came out (within the drain wait), and latency did not grow over the step.
 */
export function judgeStep(step: StepObservation, criteria: SustainabilityCriteria = {}): StepVerdict {
  const maxSlope = criteria.maxLatencySlopeMsPerS ?? 50;
  const maxLag = criteria.maxProducerLagMs ?? 1_000;
  const minDelivered = criteria.minDelivered ?? 1;
  const slope = linearSlope(medianLatencyPerSecond(step.samples));
  const reasons: string[] = [];
  if (step.producerMaxLagMs > maxLag) reasons.push(`producer fell ${Math.round(step.producerMaxLagMs)} ms behind schedule`);
  if (step.delivered < step.sent * minDelivered) reasons.push(`${step.delivered} of ${step.sent} events came out`);
  if (slope > maxSlope) reasons.push(`latency grew ${Math.round(slope)} ms per second`);
  return { sustainable: reasons.length === 0, latencySlopeMsPerS: slope, reasons };
}

/** How the search for the sustainable rate moves. */
export interface RateSearchSettings {
  readonly startRate: number;
  /** Factor between steps while every step is sustained. @default 1.6 */
  readonly growth?: number;
  /** Bisections between the last sustained and the first failed rate. @default 2 */
  readonly refinements?: number;
  /** Steps at most (a ceiling for time). @default 12 */
  readonly maxSteps?: number;
  /** Rates are rounded to multiples of this. @default 50 */
  readonly granularity?: number;
}

/**
 * The search for the highest sustainable rate: grow geometrically until a step fails, then bisect
 * between the best sustained and the lowest failed rate. Pure: it is told each verdict and answers
 * the next rate, or undefined when done.
 */
export class RateSearch {
  private best?: number;
  private lowestFailed?: number;
  private steps = 0;
  private bisections = 0;
  private readonly settings: Required<RateSearchSettings>;

  constructor(settings: RateSearchSettings) {
    this.settings = { growth: 1.6, refinements: 2, maxSteps: 12, granularity: 50, ...settings };
    if (!(this.settings.startRate > 0 && this.settings.growth > 1)) {
      throw new RangeError(`startRate must be positive and growth above 1, got ${this.settings.startRate}, ${this.settings.growth}`);
    }
  }

  /** The highest rate sustained so far. */
  get sustained(): number | undefined {
    return this.best;
  }

  /** The lowest rate that failed so far. */
  get failed(): number | undefined {
    return this.lowestFailed;
  }

  private round(rate: number): number {
    const { granularity } = this.settings;
    return Math.max(granularity, Math.round(rate / granularity) * granularity);
  }

  /** The first rate to try. */
  first(): number {
    return this.round(this.settings.startRate);
  }

  /** Records the verdict on `rate` and answers the next rate to try, or undefined when done. */
  next(rate: number, sustainable: boolean): number | undefined {
    this.steps += 1;
    if (sustainable) this.best = Math.max(this.best ?? 0, rate);
    else this.lowestFailed = Math.min(this.lowestFailed ?? Infinity, rate);
    if (this.steps >= this.settings.maxSteps) return undefined;
    if (this.lowestFailed === undefined) return this.round(rate * this.settings.growth);
    if (this.best === undefined) {
      // Even the first rate failed: step down until one holds.
      const lower = this.round(this.lowestFailed / this.settings.growth);
      return lower < this.lowestFailed ? lower : undefined;
    }
    if (this.bisections >= this.settings.refinements) return undefined;
    const middle = this.round((this.best + this.lowestFailed) / 2);
    if (middle <= this.best || middle >= this.lowestFailed) return undefined;
    this.bisections += 1;
    return middle;
  }
}

/** Step sizes a person reads easily. */
const NICE_STEPS = [10, 25, 50, 100, 250, 500, 1_000] as const;

/**
 * A round granularity for rates near `rate`: the largest of 10, 25, 50, 100, 250, 500, 1,000 that is
 * at most a sixteenth of it (finer than the last bisection of a search, coarse enough to read).
 */
export function niceGranularity(rate: number): number {
  return [...NICE_STEPS].reverse().find((step) => step <= rate / 16) ?? NICE_STEPS[0];
}
