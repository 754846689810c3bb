import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { z } from 'zod';
import { decodeJsonBody, rawBody } from './body';
import type { FaultInjector } from './fault-injector';
import { HttpError } from './http-error';

/** What {@link createServiceApp} needs. */
export interface ServiceAppOptions {
  /** Root logger; each request gets a child with its `reqId`. */
  readonly logger: Logger;
  /** Fault injection, exposed at `GET/PUT /admin/faults`; the service mounts its middleware. */
  readonly faults: FaultInjector;
  /** Adds the service's own routes, between request logging and the 404 / error handlers. */
  readonly routes: (app: Express) => void;
}

/** Read and replace a piece of run-time configuration over HTTP. */
export interface AdminResource {
  /** The current value, as JSON (never secrets). */
  read(): unknown;
  /** Validates and applies a new value (throw an `HttpError` 400 to reject it); returns the view. */
  replace(input: unknown): unknown;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The express app both mock services are built on: request ids (`x-request-id`, taken from the
 * request when it carries a sane one) and one pino line per request, the fault admin API, the
 * service's routes, then a JSON 404 for unknown routes and a JSON error handler that answers every
 * error in one shape (`{"error":{"code","message"}}`, or the AWS dialect of `AwsStyleError`),
 * including 413 for bodies over the limit.
 *
 * @example
 * const app = createServiceApp({ logger, faults, routes: (app) => app.get('/health', (_req, res) => res.json({ status: 'ok' })) });
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(options.logger));
  mountAdminResource(app, '/admin/faults', {
    read: () => options.faults.config,
    replace: (input) => options.faults.configure(input),
  });
  options.routes(app);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

/**
 * Serves `GET path` (→ `resource.read()`) and `PUT path` (JSON body → `resource.replace(body)`).
 * Admin routes are neither signed nor faulted: the services bind to loopback and they exist for
 * tests and benchmarks.
 */
export function mountAdminResource(app: Express, path: string, resource: AdminResource): void {
  app.get(path, (_req, res) => {
    res.json(resource.read());
  });
  app.put(path, rawBody(), (req, res) => {
    res.json(resource.replace(decodeJsonBody(req, z.unknown())));
  });
}

function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessObject: (_req, res, value: Record<string, unknown>) => ({ ...value, ...answeredErrors.get(res) }),
    customErrorObject: (_req, res, _error, value: Record<string, unknown>) => ({ ...value, ...answeredErrors.get(res) }),
  });
}

/** The code and context of each answered error, for its request's log line. */
const answeredErrors = new WeakMap<ServerResponse, Readonly<Record<string, unknown>>>();

const notFound: RequestHandler = (req) => {
  throw new HttpError(404, 'not-found', `no route for ${req.method} ${req.path}`);
};

const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const httpError = toHttpError(error);
  // One log line per request (pino-http's): it carries the error's code and context, and for an
  // unexpected 5xx the error itself with its stack and cause.
  answeredErrors.set(res, { ...httpError.context, errorCode: httpError.code });
  if (httpError.status >= 500 && !httpError.headers['x-fault-injected']) {
    res.err = error instanceof Error ? error : httpError;
  }
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  res.status(httpError.status).set(httpError.headers).json(httpError.toBody());
};

/** Body-parser's errors carry `status` and `type`; anything else unknown is a 500. */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) {
    return error;
  }
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (type === 'entity.too.large') {
    return new HttpError(413, 'payload-too-large', (error as Error).message, { cause: error });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, typeof type === 'string' ? type : 'bad-request', (error as Error).message, { cause: error });
  }
  return new HttpError(500, 'internal-error', 'internal error', { cause: error });
}
