import net from 'node:net';
import { sleep } from '@tenant-analytics/domain';
import { ComponentStartError } from './errors';

/** Every child binds this address only. */
export const LOOPBACK = '127.0.0.1';

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no address'))));
    });
  });
}

/**
 * A port that was free a moment ago. Another process may take it before the child binds it, so
 * callers retry on EADDRINUSE ({@link ComponentStartError.retriable}).
 */
export function findFreePort(): Promise<number> {
  return listenOnce(0);
}

/**
 * Fails fast when a fixed port is taken: otherwise the readiness probe could be answered by
 * whatever holds the port (say, another `nx serve mocks`) while our child dies.
 *
 * @throws ComponentStartError naming the component and the port
 */
export async function assertPortFree(port: number, component: string): Promise<void> {
  try {
    await listenOnce(port);
  } catch (error) {
    throw new ComponentStartError(
      `Port ${port} on ${LOOPBACK} is in use, so ${component} cannot start there: is \`nx serve mocks\` already running? Choose another port (0 = any free port).`,
      // Retriable: a port is worth another try (withPort moves to another free one, onOwnPort waits for it).
      { cause: error, context: { component, port }, retriable: true },
    );
  }
}

/** Attempts at a free port before giving up (each attempt loses only if another process races us). */
export const FREE_PORT_ATTEMPTS = 5;

/**
 * Runs `start` on the requested port, or on a free port when it is 0, picking a new one while
 * `start` fails with a retriable {@link ComponentStartError} (EADDRINUSE).
 */
export async function withPort<T>(requested: number, component: string, start: (port: number) => Promise<T>): Promise<T> {
  if (requested !== 0) {
    await assertPortFree(requested, component);
    return start(requested);
  }
  for (let attempt = 1; ; attempt += 1) {
    const port = await findFreePort();
    try {
      return await start(port);
    } catch (error) {
      if (!(error instanceof ComponentStartError && error.retriable) || attempt >= FREE_PORT_ATTEMPTS) throw error;
    }
  }
}

/** Attempts at starting a component again on the port it had (see {@link onOwnPort}). */
export const OWN_PORT_ATTEMPTS = 5;
/** Between two of them. */
const OWN_PORT_RETRY_MS = 500;

/**
 * Runs `start` on `port`, the port a component had and must keep (a restart: its clients hold the
 * URL), trying again, `retryMs` apart, while the port is taken: by the stopped process that has not
 * released it yet, or by the new process itself. kinesis-local opens its unused TLS listener first,
 * on a port the system picks, and that can be the plain port: at a first start {@link withPort}
 * then moves to another free port; a restart cannot.
 */
export async function onOwnPort<T>(port: number, component: string, start: (port: number) => Promise<T>, retryMs = OWN_PORT_RETRY_MS): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await assertPortFree(port, component);
      return await start(port);
    } catch (error) {
      if (!(error instanceof ComponentStartError && error.retriable) || attempt >= OWN_PORT_ATTEMPTS) throw error;
      await sleep(retryMs);
    }
  }
}
