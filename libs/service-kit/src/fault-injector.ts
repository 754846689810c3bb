import { createRandom, sleep } from '@tenant-analytics/domain';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { decodeValue } from './body';
import { faultConfigSchema, NO_FAULTS, type FaultConfig } from './fault-config';
import { HttpError } from './http-error';

/** What happens to one request. */
export type FaultOutcome = 'pass' | 'error' | 'timeout' | 'reset';

/** The dice roll for one request: how long it waits, then what happens to it. */
export interface FaultDecision {
  readonly delayMs: number;
  readonly outcome: FaultOutcome;
}

/** z-score of the 99th percentile of the standard normal distribution. */
const Z_P99 = 2.3263478740408408;

const ERROR_CODES: Readonly<Record<FaultConfig['errorStatus'], string>> = {
  500: 'internal-error',
  503: 'service-unavailable',
  429: 'too-many-requests',
};

/**
 * Injects latency, errors, held requests and connection resets into a service's routes, so that
 * clients' timeouts, retries and circuit breakers can be tested against real HTTP.
 *
 * Mount {@link FaultInjector.middleware} after routing and authentication, just before the
 * handler: probes (`/health`, `/ping`), admin routes and rejected requests are never faulted.
 * Settings change at run time through {@link FaultInjector.configure} (the `/admin/faults` route).
 * {@link FaultInjector.close} releases every held request, so a shutdown never hangs on one;
 * requests waiting out their latency finish normally.
 *
 * @example
 * const faults = new FaultInjector({ errorRate: 0.2, errorStatus: 503, seed: 7 });
 * app.post('/work', faults.middleware(), handler);
 */
export class FaultInjector {
  private current: FaultConfig = NO_FAULTS;
  private random: () => number = Math.random;
  private readonly closing = new AbortController();
  private waiting = 0;

  constructor(
    config: unknown = {},
    private readonly logger?: Logger,
  ) {
    this.configure(config);
  }

  /** The settings in force. */
  get config(): FaultConfig {
    return this.current;
  }

  /**
   * Replaces the settings (fields left out take their defaults, so `{}` turns every fault off)
   * and, when `seed` is given, restarts the dice from it.
   *
   * @throws HttpError 400 `validation-failed` naming the bad field.
   */
  configure(input: unknown): FaultConfig {
    const config = decodeValue(input ?? {}, faultConfigSchema);
    this.current = config;
    this.random = config.seed === undefined ? Math.random : createRandom(config.seed);
    this.logger?.info({ faults: config }, 'fault injection configured');
    return config;
  }

  /** How many requests are waiting out a latency or a hold right now. */
  get waitingCount(): number {
    return this.waiting;
  }

  /** Rolls the dice for one request. */
  decide(): FaultDecision {
    const config = this.current;
    const delayMs = this.drawDelayMs(config);
    const roll = this.random();
    let outcome: FaultOutcome = 'pass';
    if (roll < config.resetRate) {
      outcome = 'reset';
    } else if (roll < config.resetRate + config.timeoutRate) {
      outcome = 'timeout';
    } else if (roll < config.resetRate + config.timeoutRate + config.errorRate) {
      outcome = 'error';
    }
    return { delayMs, outcome };
  }

  /** Express middleware applying {@link FaultInjector.decide} to each request. */
  middleware(): RequestHandler {
    return (req, res, next) => this.apply(req, res, next);
  }

  /** Releases every held request (timeout fault) with 503 `shutting-down`; later requests pass untouched. */
  close(): void {
    this.closing.abort();
  }

  private async apply(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (this.closing.signal.aborted) {
      next();
      return;
    }
    const { delayMs, outcome } = this.decide();
    const log = req.log ?? this.logger;
    if (outcome === 'reset') {
      log?.info({ fault: outcome }, 'injected fault: connection reset');
      req.socket.destroy();
      return;
    }
    if (delayMs > 0 && !(await this.wait(delayMs, res, false))) {
      req.socket.destroy();
      return;
    }
    const config = this.current;
    if (outcome === 'error') {
      log?.info({ fault: outcome, status: config.errorStatus }, 'injected fault: error');
      const headers: Record<string, string> = { 'x-fault-injected': outcome };
      if (config.errorStatus !== 500) {
        headers['retry-after'] = '1';
      }
      throw new HttpError(config.errorStatus, ERROR_CODES[config.errorStatus], `injected fault: ${config.errorStatus}`, { headers });
    }
    if (outcome === 'timeout') {
      log?.info({ fault: outcome, timeoutMs: config.timeoutMs }, 'injected fault: holding request');
      if (!(await this.wait(config.timeoutMs, res, true))) {
        req.socket.destroy();
        return;
      }
      throw new HttpError(504, 'gateway-timeout', `injected fault: no answer within ${config.timeoutMs} ms`, {
        headers: { 'x-fault-injected': outcome },
      });
    }
    next();
  }

  /**
   * Waits `ms` unless the client goes away (→ false: nobody to answer, and the caller destroys the
   * half-closed socket so that it cannot keep a drain waiting) or, for a hold (`endsOnClose`), the
   * injector closes (→ 503, so that the server can drain). Latency is simulated work: an in-flight
   * request finishes it during a drain.
   */
  private async wait(ms: number, res: Response, endsOnClose: boolean): Promise<boolean> {
    const clientGone = new AbortController();
    const onClose = (): void => clientGone.abort();
    res.once('close', onClose);
    this.waiting += 1;
    try {
      const signals = endsOnClose ? [clientGone.signal, this.closing.signal] : [clientGone.signal];
      // The domain's sleep ends early, without an error, when a signal aborts: say which one did.
      await sleep(ms, AbortSignal.any(signals));
      if (clientGone.signal.aborted) return false;
      if (endsOnClose && this.closing.signal.aborted) {
        throw new HttpError(503, 'shutting-down', 'the service is shutting down');
      }
      return true;
    } finally {
      this.waiting -= 1;
      res.off('close', onClose);
    }
  }

  private drawDelayMs(config: FaultConfig): number {
    if (config.latencyP99Ms === undefined) {
      return config.latencyMs;
    }
    // Log-normal with median m and 99th percentile p: mu = ln m, sigma = ln(p / m) / z(0.99).
    const sigma = Math.log(config.latencyP99Ms / config.latencyMs) / Z_P99;
    const u1 = 1 - this.random();
    const u2 = this.random();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return config.latencyMs * Math.exp(sigma * normal);
  }
}
