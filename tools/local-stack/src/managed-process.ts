import { isSecretName, REDACTED, type Logger } from '@tenant-analytics/domain';
import { spawn } from 'node:child_process';
import { ComponentStartError } from './errors';
import { holdLifeline, lifelineSpawn } from './supervisor-lifeline';

/**
 * How to start one child: always `command args…` in `cwd`, `env` added to the parent's environment.
 * A `command` that is this Node binary also gets the supervisor lifeline (it dies with us).
 */
export interface ProcessSpec {
  /** Component name for logs and errors, e.g. `kinesis (kinesis-local)`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** How a child ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process the local stack owns: its own process group, output tail kept for errors. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Settles when the child has exited (never rejects). */
  readonly exit: Promise<ProcessExit>;
  hasExited(): boolean;
  /** The child's last output lines (stdout and stderr interleaved). */
  outputTail(): string;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the child is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the process group, synchronously (for `process.on('exit')`). */
  killNow(): void;
}

/** Kept output lines; enough to show why a child failed. */
export const OUTPUT_TAIL_LINES = 30;
/** Time a child gets to exit on SIGTERM; kinesis-local waits 30 s for idle keep-alive clients otherwise. */
export const DEFAULT_STOP_GRACE_MS = 3_000;

/**
 * Spawns a child in its own process group (`detached`), so that stopping it also stops whatever it
 * spawned (tsx runs the script in a grandchild) and a Ctrl-C in the terminal reaches only the
 * parent, which then stops its children in order. A Node child also gets a lifeline
 * (`supervisor-lifeline.ts`): when this process dies in a way no exit hook sees (SIGKILL, an OOM
 * kill), the child SIGKILLs its group at once, so no emulator keeps a port.
 *
 * @throws ComponentStartError when the OS cannot spawn the command
 */
export function spawnManaged(spec: ProcessSpec, logger: Logger): ManagedProcess {
  const lifeline = spec.command === process.execPath ? lifelineSpawn(['ignore', 'pipe', 'pipe']) : undefined;
  const child = spawn(spec.command, [...(lifeline?.execArgs ?? []), ...spec.args], {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env, ...lifeline?.env },
    detached: true,
    stdio: lifeline?.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
  holdLifeline(child);
  const log = logger.child({ component: spec.name });
  const tail: string[] = [];
  let exited = false;
  const exit = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      log.debug('child exited', { code, signal });
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      tail.push(String(error));
      if (child.pid === undefined) {
        exited = true;
        resolve({ code: null, signal: null });
      }
    });
  });
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      log.debug('child output', { line });
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const pid = child.pid;
  if (pid === undefined) {
    throw new ComponentStartError(`Cannot spawn ${spec.name}: ${spec.command} ${spec.args.join(' ')}`, {
      context: { component: spec.name, command: spec.command },
    });
  }
  log.debug('child spawned', { pid, command: spec.command, args: redactArgs(spec.args) });

  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch (error) {
      // ESRCH: the group is already gone, which is what we want.
      if (!(typeof error === 'object' && error !== null && 'code' in error && error.code === 'ESRCH')) throw error;
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> => {
    stopping ??= (async () => {
      if (!exited) {
        signalGroup('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), graceMs);
        });
        const outcome = await Promise.race([exit, timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') log.debug('child ignored SIGTERM, killing it', { graceMs });
      }
      // Also reaps grandchildren that outlived the group leader.
      signalGroup('SIGKILL');
      await exit;
    })();
    return stopping;
  };

  return {
    name: spec.name,
    pid,
    exit,
    hasExited: () => exited,
    outputTail: () => tail.join('\n'),
    stop,
    killNow: () => signalGroup('SIGKILL'),
  };
}

/**
 * A command line safe to log: the value of every flag whose name looks secret (`--secret-access-key
 * X`, `--api-key=X`) is replaced with `***`.
 */
export function redactArgs(args: readonly string[]): string[] {
  return args.map((arg, index) => {
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    if (arg.startsWith('-') && inline !== undefined && isSecretName(flag ?? '')) return `${flag}=${REDACTED}`;
    const previous = args[index - 1];
    return previous !== undefined && previous.startsWith('-') && !previous.includes('=') && isSecretName(previous) && !arg.startsWith('-') ? REDACTED : arg;
  });
}
