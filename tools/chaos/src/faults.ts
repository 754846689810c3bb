import type { FaultConfigInput } from '@tenant-analytics/service-kit';
import { DomainError } from '@tenant-analytics/domain';

/** A mock service's admin API refused a change. */
export class AdminApiError extends DomainError {
  declare readonly context: { readonly url: string; readonly status: number };

  constructor(message: string, context: AdminApiError['context']) {
    super(message, { context });
  }
}

async function putJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  if (!response.ok) throw new AdminApiError(`PUT ${url} answered ${response.status}: ${text.slice(0, 200)}`, { url, status: response.status });
}

/** Replaces the fault settings of a mock service (`PUT /admin/faults`); `{}` clears them. */
export function setFaults(serviceUrl: string, faults: FaultConfigInput): Promise<void> {
  return putJson(`${serviceUrl.replace(/\/+$/, '')}/admin/faults`, faults);
}

/** Replaces the key pairs the churn mock accepts (`PUT /admin/credentials`). */
export function setChurnCredentials(churnUrl: string, credentials: readonly { readonly accessKeyId: string; readonly secretAccessKey: string }[]): Promise<void> {
  return putJson(`${churnUrl.replace(/\/+$/, '')}/admin/credentials`, { credentials });
}

/**
 * Fault settings applied in turn, `sliceMs` each, for mixes one setting cannot express (a mock
 * answers injected errors with one status at a time): over a cycle the shares average out.
 */
export class FaultCycle {
  private timer: NodeJS.Timeout | undefined;
  private index = 0;
  private failure: unknown;
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly serviceUrl: string,
    private readonly slices: readonly FaultConfigInput[],
    private readonly sliceMs: number,
  ) {}

  /** Applies the first slice, then the next every `sliceMs`. */
  async start(): Promise<void> {
    await this.apply();
    this.timer = setInterval(() => {
      this.applying = this.apply().catch((error: unknown) => {
        this.failure ??= error;
      });
    }, this.sliceMs);
  }

  /** Stops cycling and clears the faults. @throws the first error met while cycling */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.applying;
    await setFaults(this.serviceUrl, {});
    if (this.failure !== undefined) throw this.failure;
  }

  private apply(): Promise<void> {
    const slice = this.slices[this.index % this.slices.length] ?? {};
    this.index += 1;
    return setFaults(this.serviceUrl, slice);
  }
}

/**
 * The churn API mix of scenario 1 as slices of one second: 20% 5xx (500 and 503 alternating), 5%
 * 429, 5% held requests (the client's attempt timeout fires) and 2% connection resets. Each slice
 * injects 25% errors of one status; one slice in five uses 429.
 */
export const CHURN_FAULT_SLICES: readonly FaultConfigInput[] = ([500, 503, 500, 503, 429] as const).map((errorStatus) => ({
  errorRate: 0.25,
  errorStatus,
  timeoutRate: 0.05,
  timeoutMs: 10_000,
  resetRate: 0.02,
}));

/** The tenant manager mix of scenario 1: 10% 5xx and latency spikes (median 5 ms, p99 800 ms). */
export const TENANT_MANAGER_FAULTS: FaultConfigInput = { errorRate: 0.1, errorStatus: 503, latencyMs: 5, latencyP99Ms: 800, seed: 7 };
