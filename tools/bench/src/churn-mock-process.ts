import { sleep, SILENT_LOGGER } from '@tenant-analytics/domain';
import { DEFAULT_REGION, findFreePort, SERVICES, serviceSpec, spawnManaged } from '@tenant-analytics/local-stack';

/** A churn mock (`apps/churn-mock`) running as its own process, as in production a model endpoint would. */
export interface ChurnMockProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Process id of the spawned command; the mock may run in its children (tsx), so read its CPU as a tree. */
  readonly pid: number;
  /** Sets the injected faults (`PUT /admin/faults`), e.g. `{ latencyMs: 20 }`; `{}` clears them. */
  setFaults(faults: Readonly<Record<string, number>>): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

/** How long the churn mock gets to exit on SIGTERM. */
const STOP_GRACE_MS = 5_000;

/**
 * Starts the churn mock with the local test credentials on a free loopback port, logging only
 * warnings (a log line per request would cost CPU the benchmark measures), and waits for `/ping`.
 * It is spawned as the local stack spawns it (`spawnManaged`: its own process group and the
 * supervisor lifeline), so it dies with the benchmark however the benchmark dies.
 *
 * @throws Error with the process output when it exits or is not ready within `timeoutMs`
 */
export async function startChurnMock(timeoutMs = 60_000): Promise<ChurnMockProcess> {
  const port = await findFreePort();
  // The stream settings are the tenant manager's; the churn mock has none.
  const spec = serviceSpec('churnApi', { port, region: DEFAULT_REGION, kinesisEndpoint: '', companiesStream: '', extraArgs: ['--log-level', 'warn'] });
  const child = spawnManaged({ ...spec, env: { ...spec.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } }, SILENT_LOGGER);
  const url = `http://127.0.0.1:${port}`;
  const stop = () => child.stop(STOP_GRACE_MS);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !child.hasExited()) {
    const ready = await fetch(`${url}${SERVICES.churnApi.readyPath}`)
      .then(async (response) => (await response.arrayBuffer(), response.ok))
      .catch(() => false);
    if (ready) {
      return {
        url,
        pid: child.pid,
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
  throw new Error(`the churn mock did not become ready within ${timeoutMs} ms:\n${child.outputTail()}`);
}
