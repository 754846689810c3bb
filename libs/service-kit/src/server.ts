import { once } from 'node:events';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';

/** Something to release when the server stops (e.g. a `FaultInjector` holding requests). */
export interface Closeable {
  close(): void;
}

/** What {@link startServer} needs. */
export interface StartServerOptions {
  /** Interface to bind; the mocks are meant for loopback. @default - '127.0.0.1' */
  readonly host?: string;
  /** Port to bind; 0 picks a free one (read it back from {@link ServerHandle.port}). */
  readonly port: number;
  readonly logger: Logger;
  /** Released first on close, so that held requests answer and the drain can finish. */
  readonly closeables?: readonly Closeable[];
  /**
   * How long in-flight requests may take to finish before their connections are cut. Short, so
   * that a service stops within 3 s of SIGTERM even with a slow client (the mocks answer in ms).
   * @default 2000
   */
  readonly shutdownGraceMs?: number;
}

/** A listening server. */
export interface ServerHandle {
  readonly server: Server;
  readonly port: number;
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  /**
   * Graceful stop: stop accepting, release the closeables, let in-flight requests finish (up to
   * the grace period), close idle keep-alive connections. Idempotent.
   */
  close(): Promise<void>;
}

const IDLE_SWEEP_MS = 50;
/** See {@link StartServerOptions.shutdownGraceMs}. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 2_000;

/**
 * Listens with `listener` (an express app) and returns a handle whose `close` drains gracefully.
 *
 * @example
 * const handle = await startServer(app, { port: 0, logger, closeables: [faults] });
 * await fetch(`${handle.url}/health`);
 * await handle.close();
 */
export async function startServer(listener: RequestListener, options: StartServerOptions): Promise<ServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(listener);
  const requestsInFlight = trackRequests(server);
  server.listen(options.port, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  options.logger.info({ url }, 'listening');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= drain(server, requestsInFlight, options);
    return closing;
  };
  return { server, port, url, close };
}

/**
 * Counts the requests in flight per connection. `server.closeIdleConnections` skips a connection
 * that has not sent a request yet (clients open spare ones), which would hold a drain until the
 * client's keep-alive timeout; the count lets the drain end those too.
 */
function trackRequests(server: Server): Map<Socket, number> {
  const inFlight = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      if (inFlight.has(socket)) {
        inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1);
      }
    });
  });
  return inFlight;
}

function endIdleConnections(inFlight: ReadonlyMap<Socket, number>): void {
  for (const [socket, requests] of inFlight) {
    if (requests === 0) {
      socket.end();
    }
  }
}

async function drain(server: Server, inFlight: ReadonlyMap<Socket, number>, options: StartServerOptions): Promise<void> {
  options.logger.info('shutting down: finishing in-flight requests');
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  for (const closeable of options.closeables ?? []) {
    closeable.close();
  }
  // A keep-alive connection turns idle once its request is answered; sweep those until done.
  endIdleConnections(inFlight);
  const sweep = setInterval(() => endIdleConnections(inFlight), IDLE_SWEEP_MS);
  const deadline = setTimeout(() => {
    options.logger.warn('shutdown grace period over: closing remaining connections');
    server.closeAllConnections();
  }, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
  options.logger.info('stopped');
}

/**
 * Closes `handle` gracefully on the first SIGTERM or SIGINT, then exits 0 (1 when the drain
 * failed). A second signal during the drain exits 1 at once.
 */
export function closeOnSignals(handle: Pick<ServerHandle, 'close'>, logger: Logger, target: NodeJS.Process = process): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      target.exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    handle.close().then(
      () => target.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        target.exit(1);
      },
    );
  };
  target.on('SIGTERM', onSignal);
  target.on('SIGINT', onSignal);
}
