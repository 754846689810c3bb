/**
 * Resolves after `ms`, or at once when `signal` aborts (never rejects: a loop that sleeps checks
 * its signal itself). The one sleep of the workspace's tools and libraries.
 *
 * @example
 * while (!signal.aborted) { await poll(); await sleep(100, signal); }
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
