import { spawnSync } from 'node:child_process';
import { sleep, SILENT_LOGGER } from '@tenant-analytics/domain';
import { spawnManaged, type ManagedProcess } from './managed-process';
import { findFreePort } from './ports';

/** The moto release this test was written against (`pip install 'moto[server]==5.2.1'`). */
export const MOTO_VERSION = '5.2.1';

const READY_TIMEOUT_MS = 60_000;

/** A moto_server this test started, on 127.0.0.1. */
export interface MotoServer {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM to its process group (SIGKILL after 3 s); resolves once it is gone. */
  stop(): Promise<void>;
}

/** Thrown when no moto_server can be run: the test fails with this, it never skips. */
export class MotoServerMissingError extends Error {}

/**
 * How to run moto's server here: `moto_server` on PATH, else `python3 -m moto.server` when the
 * `moto` module with its server extra imports.
 *
 * @throws MotoServerMissingError naming what is missing and how to install it
 */
export function motoServerCommand(): { readonly command: string; readonly args: readonly string[] } {
  if (spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).status === 0) return { command: 'moto_server', args: [] };
  if (spawnSync('python3', ['-c', 'import moto.server, flask'], { encoding: 'utf8' }).status === 0) return { command: 'python3', args: ['-m', 'moto.server'] };
  throw new MotoServerMissingError(
    `moto_server is not installed: neither \`moto_server\` on PATH nor \`python3 -m moto.server\` (with flask) works. ` +
      `The moto tests (bring your own endpoints, the replay tool's SQS queue) need moto ${MOTO_VERSION} with its server extra: pip install 'moto[server]==${MOTO_VERSION}' ` +
      `(.ci/run installs it when missing).`,
  );
}

/**
 * Starts moto_server on a free 127.0.0.1 port in its own process group and waits until it answers.
 *
 * @throws MotoServerMissingError when moto is not installed; Error when it exits or does not answer in time
 */
export async function startMotoServer(): Promise<MotoServer> {
  const { command, args } = motoServerCommand();
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ManagedProcess = spawnManaged({ name: 'moto_server', command, args: [...args, '-H', '127.0.0.1', '-p', String(port)], cwd: process.cwd(), env: {} }, SILENT_LOGGER);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.hasExited()) throw new Error(`moto_server exited before answering on ${url}. Last output:\n${child.outputTail()}`);
    try {
      const response = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`moto_server did not answer on ${url} within ${READY_TIMEOUT_MS} ms. Last output:\n${child.outputTail()}`);
    }
    await sleep(200);
  }
  return { url, pid: child.pid, stop: () => child.stop() };
}
