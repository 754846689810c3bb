import { sleep } from '@tenant-analytics/domain';

/** How events are spread over time and grouped into calls. */
export interface OpenLoopScheduleOptions {
  /** Events in all. */
  readonly total: number;
  /** Event `i` is due at `start + i × 1000 / ratePerSecond` ms. */
  readonly ratePerSecond: number;
  /** Largest batch handed to `dispatch`. */
  readonly maxBatchSize: number;
  /** How long the oldest due event may wait for others to share its batch. */
  readonly lingerMs: number;
  /** Batches in flight at most. */
  readonly concurrency: number;
  /** Stops dispatching new batches; those in flight finish. */
  readonly signal?: AbortSignal;
}

/** A run of consecutive events handed to `dispatch`. */
export interface ScheduledBatch {
  /** Index of the first event. */
  readonly first: number;
  readonly count: number;
  /** When each event of the run was due (epoch ms), in order. */
  readonly scheduledAtMs: readonly number[];
  /** How much later than planned the batch left (0 when on schedule). */
  readonly lagMs: number;
}

/** What the schedule did. */
export interface OpenLoopOutcome {
  readonly startedAtMs: number;
  /** Events handed to `dispatch` (fewer than `total` when stopped early). */
  readonly dispatched: number;
  readonly maxLagMs: number;
  /** True when the signal stopped the run before every event was dispatched. */
  readonly interrupted: boolean;
}

/**
 * Runs an open-loop schedule: event times are fixed in advance and never move. Due events are
 * grouped into batches (a full batch, or whatever is due once the oldest has lingered `lingerMs`)
 * and handed to `dispatch` with at most `concurrency` in flight. When dispatching falls behind,
 * the schedule is kept: the backlog leaves in full batches as soon as slots free up, and the delay
 * is reported as the batch's `lagMs` instead of silently lowering the rate.
 *
 * A rejected `dispatch` stops the schedule: batches in flight settle, then the first error is
 * rethrown.
 */
export async function runOpenLoopSchedule(
  options: OpenLoopScheduleOptions,
  dispatch: (batch: ScheduledBatch) => Promise<void>,
): Promise<OpenLoopOutcome> {
  const { total, ratePerSecond, maxBatchSize, lingerMs, concurrency, signal } = options;
  const startedAtMs = Date.now();
  const intervalMs = 1000 / ratePerSecond;
  const dueAt = (index: number): number => startedAtMs + index * intervalMs;
  const inFlight = new Set<Promise<void>>();
  let failure: { readonly error: unknown } | undefined;
  let next = 0;
  let maxLagMs = 0;

  while (next < total && failure === undefined && !signal?.aborted) {
    if (inFlight.size >= concurrency) {
      await Promise.race(inFlight);
      continue;
    }
    const now = Date.now();
    const lastIndex = Math.min(total, next + maxBatchSize) - 1;
    // A batch is ready when it is full, or when its oldest event has lingered long enough.
    const readyAt = Math.min(dueAt(lastIndex), dueAt(next) + lingerMs);
    if (now < readyAt) {
      await sleep(Math.max(1, Math.ceil(readyAt - now)), signal);
      continue;
    }
    let end = next + 1;
    while (end <= lastIndex && dueAt(end) <= now) {
      end += 1;
    }
    const lagMs = Math.max(0, now - readyAt);
    maxLagMs = Math.max(maxLagMs, lagMs);
    const scheduledAtMs = Array.from({ length: end - next }, (_, offset) => dueAt(next + offset));
    const sending = dispatch({ first: next, count: end - next, scheduledAtMs, lagMs }).catch((error: unknown) => {
      failure ??= { error };
    });
    const tracked = sending.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    next = end;
  }
  await Promise.all(inFlight);
  if (failure !== undefined) {
    throw failure.error;
  }
  return { startedAtMs, dispatched: next, maxLagMs, interrupted: next < total };
}
