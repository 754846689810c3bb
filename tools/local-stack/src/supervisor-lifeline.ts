import type { ChildProcess, StdioOptions } from 'node:child_process';
import path from 'node:path';
import type { Socket } from 'node:net';

/** Preload that makes a Node child exit when its supervisor dies (see `exit-with-supervisor.cjs`). */
export const EXIT_WITH_SUPERVISOR_PRELOAD = path.join(__dirname, 'exit-with-supervisor.cjs');
/** Names the child's end of the lifeline pipe for the preload. */
export const SUPERVISOR_FD_VARIABLE = 'LOCAL_STACK_SUPERVISOR_FD';
/** The child's descriptor of the lifeline: the first one after stdin, stdout and stderr. */
export const LIFELINE_FD = 3;

/** What to add to a `spawn` of `node` so that the child dies with this process. */
export interface LifelineSpawn {
  /** Node flags to put before the script. */
  readonly execArgs: readonly string[];
  /** Environment entries to add. */
  readonly env: Readonly<Record<string, string>>;
  /** `stdio` with the lifeline pipe as descriptor 3. */
  readonly stdio: StdioOptions;
}

/**
 * Spawn settings that tie a Node child's life to this process: a pipe on descriptor
 * {@link LIFELINE_FD} that this process never writes, and a preload in the child that SIGKILLs the
 * child's process group when the pipe reads end-of-file, that is when this process is gone, even
 * after a SIGKILL, which no exit hook sees. Call {@link holdLifeline} on the spawned child.
 *
 * @example
 * const lifeline = lifelineSpawn(['ignore', 'pipe', 'pipe']);
 * const child = spawn(process.execPath, [...lifeline.execArgs, 'main.js'], { env: { ...process.env, ...lifeline.env }, stdio: lifeline.stdio });
 * holdLifeline(child);
 */
export function lifelineSpawn(stdio: readonly ['ignore' | 'pipe' | 'inherit', 'ignore' | 'pipe' | 'inherit', 'ignore' | 'pipe' | 'inherit']): LifelineSpawn {
  return {
    execArgs: ['--require', EXIT_WITH_SUPERVISOR_PRELOAD],
    env: { [SUPERVISOR_FD_VARIABLE]: String(LIFELINE_FD) },
    stdio: [...stdio, 'pipe'],
  };
}

/**
 * Keeps this end of the child's lifeline open for the child's life without keeping this process
 * alive for it, and closes it when the child exits.
 */
export function holdLifeline(child: ChildProcess): void {
  const lifeline = child.stdio[LIFELINE_FD] as Socket | null | undefined;
  if (lifeline === null || lifeline === undefined) return;
  lifeline.on('error', () => undefined); // the child may close its end first; nothing to report
  lifeline.unref();
  child.once('exit', () => lifeline.destroy());
}
