import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { sleep } from '@tenant-analytics/domain';

/** How to run a TypeScript entry point (`src/main.ts`) through tsx. */
export interface TsxCommand {
  /** Path of the entry point. */
  readonly entry: string;
  readonly args: readonly string[];
  /** Added to the current environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A service started by {@link spawnService}. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Base URL from the service's `listening` log line. */
  readonly url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** What {@link runTsx} saw. */
export interface TsxRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One node process with tsx's loader (not the tsx CLI, whose extra parent process would swallow SIGKILL). */
function spawnTsx(command: TsxCommand): ChildProcess {
  return spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, command.entry, ...command.args], {
    env: { ...process.env, ...command.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a one-shot command to completion. For tests and scripts. */
export async function runTsx(command: TsxCommand): Promise<TsxRun> {
  const child = spawnTsx(command);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * Starts a service (run it with `--port 0`) and waits until it logged `listening` with its URL and
 * `GET <url><readyPath>` answers 200. For integration tests: the caller must `stop()` it.
 *
 * @throws Error with the process output when it exits or is not ready within `timeoutMs`.
 */
export async function spawnService(command: TsxCommand & { readonly readyPath: string; readonly timeoutMs?: number }): Promise<ServiceProcess> {
  const child = spawnTsx(command);
  let output = '';
  let url: string | undefined;
  const exited = once(child, 'exit') as Promise<[number | null]>;
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    url ??= /"url":"(http:\/\/[^"]+)","msg":"listening"/.exec(output)?.[1];
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
    }
    const [code] = await exited;
    return code;
  };
  const deadline = Date.now() + (command.timeoutMs ?? 30_000);
  while (Date.now() < deadline && child.exitCode === null) {
    if (url && (await isReady(`${url}${command.readyPath}`))) {
      return { child, url, output: () => output, stop };
    }
    await sleep(100);
  }
  await stop('SIGKILL');
  throw new Error(`${command.entry} did not become ready:\n${output}`);
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false; // not listening yet: poll again
  }
}
