import { sleep } from '@tenant-analytics/domain';

/** Outcome of {@link pollUntil}: done, or why not with the last error seen. */
export type PollOutcome = { readonly done: true } | { readonly done: false; readonly reason: 'timeout' | 'interrupted'; readonly lastError: unknown };

/** Timing of {@link pollUntil}. */
export interface PollOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Stops polling early when it settles (e.g. the child process exited). */
  readonly interrupt?: Promise<unknown>;
}

/**
 * Calls `check` until it returns true, the time is up or `interrupt` settles. A throwing check
 * counts as "not yet" (a server that is still starting refuses connections); its error is kept for
 * the caller's message.
 */
export async function pollUntil(check: () => Promise<boolean>, options: PollOptions): Promise<PollOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let interrupted = false;
  const interruption = options.interrupt?.then(
    () => void (interrupted = true),
    () => void (interrupted = true),
  );
  let lastError: unknown;
  for (;;) {
    if (interrupted) return { done: false, reason: 'interrupted', lastError };
    try {
      if (await check()) return { done: true };
    } catch (error) {
      lastError = error;
    }
    if (interrupted) return { done: false, reason: 'interrupted', lastError };
    if (Date.now() >= deadline) return { done: false, reason: 'timeout', lastError };
    await (interruption ? Promise.race([sleep(options.intervalMs), interruption]) : sleep(options.intervalMs));
  }
}
