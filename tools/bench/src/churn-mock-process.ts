import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '@tenant-analytics/local-stack';

/** A churn mock (`apps/churn-mock`) running as its own process, as in production a model endpoint would. */
export interface ChurnMockProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Sets the injected faults (`PUT /admin/faults`), e.g. `{ latencyMs: 20 }`; `{}` clears them. */
  setFaults(faults: Readonly<Record<string, number>>): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP address for a free port');
  return address.port;
}

/**
 * Starts the churn mock with the local test credentials on a free loopback port, logging only
 * warnings (a log line per request would cost CPU the benchmark measures), and waits for `/ping`.
 *
 * @throws Error with the process output when it exits or is not ready within `timeoutMs`
 */
export async function startChurnMock(timeoutMs = 60_000): Promise<ChurnMockProcess> {
  const port = await freePort();
  const entry = path.join(REPO_ROOT, 'apps/churn-mock/src/main.ts');
  const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, entry, '--port', String(port), '--log-level', 'warn'], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const ready = await fetch(`${url}/ping`)
      .then(async (response) => (await response.arrayBuffer(), response.ok))
      .catch(() => false);
    if (ready) {
      return {
        url,
        stop,
        async setFaults(faults) {
          const response = await fetch(`${url}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
          const body = await response.text();
          if (!response.ok) throw new Error(`churn mock refused faults ${JSON.stringify(faults)}: ${response.status} ${body}`);
        },
      };
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`the churn mock did not become ready within ${timeoutMs} ms:\n${output}`);
}
