/** What the hooks need from a running stack. */
export interface StoppableStack {
  /** Orderly stop (idempotent). */
  stop(): Promise<void>;
  /** Last resort when the parent is exiting: kill children and remove files synchronously. */
  stopNow(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const running = new Set<StoppableStack>();

function onExit(): void {
  for (const stack of running) stack.stopNow();
}

function onSignal(signal: NodeJS.Signals): void {
  void Promise.allSettled([...running].map((stack) => stack.stop())).then(() => {
    // The stacks untracked themselves, so our listeners are gone. If nobody else handles the
    // signal, do what Node would have done without us: die of it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/**
 * Stops a stack when the parent process exits or receives SIGINT/SIGTERM, so that no emulator is
 * left behind. Listeners exist only while a stack runs; a program with its own SIGINT handler
 * (like `serve mocks`) keeps control of its exit, otherwise the signal is re-raised after the stop.
 *
 * @returns a function to call once the stack has stopped
 */
export function stopOnParentExit(stack: StoppableStack): () => void {
  if (running.size === 0) {
    process.on('exit', onExit);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  running.add(stack);
  return () => {
    if (!running.delete(stack) || running.size > 0) return;
    process.off('exit', onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}
