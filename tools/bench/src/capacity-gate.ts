import type { ChurnFeaturesWithId, ChurnScorer, ChurnVerdict } from '@tenant-analytics/processor';

/**
 * A churn scorer that lets at most `capacity` calls through at once, across every lane that
 * shares it, and measures what it let through.
 *
 * Why: the core limits calls in flight per batch (`async.capacity` applies to one `scoreAll`), so
 * lanes running side by side could together exceed it. A benchmark judged against
 * `capacity × batch / latency` must hold the whole process to `capacity`; this gate does, and
 * reports the largest number of calls it saw in flight so the result can show it.
 */
export class CapacityGatedScorer implements ChurnScorer {
  readonly maxBatchSize: number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Calls made. */
  calls = 0;
  /** Companies scored. */
  companies = 0;
  /** The most calls ever in flight together. */
  maxInFlight = 0;
  /** Sum of call durations (once through the gate). */
  totalCallMs = 0;

  constructor(
    private readonly inner: ChurnScorer,
    readonly capacity: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    this.maxBatchSize = inner.maxBatchSize;
  }

  /** Mean duration of a call once through the gate (0 before the first). */
  get meanCallMs(): number {
    return this.calls === 0 ? 0 : this.totalCallMs / this.calls;
  }

  async score(companies: readonly ChurnFeaturesWithId[], signal?: AbortSignal): Promise<ChurnVerdict[]> {
    // A finishing call hands its slot straight to the first waiter, so no newcomer can slip in between.
    if (this.inFlight >= this.capacity) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const started = performance.now();
    try {
      return await this.inner.score(companies, signal);
    } finally {
      this.calls += 1;
      this.companies += companies.length;
      this.totalCallMs += performance.now() - started;
      const next = this.waiting.shift();
      if (next === undefined) this.inFlight -= 1;
      else next();
    }
  }
}
