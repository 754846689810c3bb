import { pino } from 'pino';
import { FaultInjector } from './fault-injector';
import { HttpError } from './http-error';
import { startServer, type ServerHandle } from './server';
import { createServiceApp } from './service-app';

const logger = pino({ level: 'silent' });

async function startFaultedService(faults: FaultInjector): Promise<ServerHandle> {
  const app = createServiceApp({
    logger,
    faults,
    routes: (routes) => routes.get('/work', faults.middleware(), (_req, res) => res.json({ ok: true })),
  });
  return startServer(app, { port: 0, logger, closeables: [faults] });
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

describe('FaultInjector', () => {
  let handle: ServerHandle | undefined;

  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it('answers about 20% of 1,000 calls with the chosen status at a 20% error rate', async () => {
    // prepare
    const faults = new FaultInjector({ errorRate: 0.2, errorStatus: 503, seed: 42 });
    handle = await startFaultedService(faults);
    const statuses: number[] = [];

    // act
    for (let call = 0; call < 1_000; call += 1) {
      const response = await fetch(`${handle.url}/work`);
      await response.arrayBuffer();
      statuses.push(response.status);
      if (response.status === 503) {
        expect(response.headers.get('x-fault-injected')).toBe('error');
      }
    }

    // assess: binomial(1000, 0.2) has a standard deviation of 12.6; ±4 of them
    const errors = statuses.filter((status) => status === 503).length;
    expect(errors).toBeGreaterThanOrEqual(150);
    expect(errors).toBeLessThanOrEqual(250);
    expect(statuses.filter((status) => status !== 503 && status !== 200)).toEqual([]);
  }, 60_000); // 1,000 HTTP calls: generous when the machine is busy

  it('rolls the same dice for the same seed', () => {
    // prepare
    const first = new FaultInjector({ errorRate: 0.5, latencyMs: 10, latencyP99Ms: 100, seed: 9 });
    const second = new FaultInjector({ errorRate: 0.5, latencyMs: 10, latencyP99Ms: 100, seed: 9 });

    // act
    const firstRolls = Array.from({ length: 50 }, () => first.decide());
    const secondRolls = Array.from({ length: 50 }, () => second.decide());

    // assess
    expect(firstRolls).toEqual(secondRolls);
    expect(new Set(firstRolls.map((roll) => roll.outcome))).toEqual(new Set(['pass', 'error']));
  });

  it('draws a log-normal latency with the configured median and 99th percentile', () => {
    // prepare
    const faults = new FaultInjector({ latencyMs: 20, latencyP99Ms: 200, seed: 1 });

    // act
    const delays = Array.from({ length: 20_000 }, () => faults.decide().delayMs).sort((a, b) => a - b);

    // assess
    expect(quantile(delays, 0.5)).toBeGreaterThan(18);
    expect(quantile(delays, 0.5)).toBeLessThan(22);
    expect(quantile(delays, 0.99)).toBeGreaterThan(170);
    expect(quantile(delays, 0.99)).toBeLessThan(230);
  });

  it('delays each request by a fixed latency', async () => {
    // prepare
    handle = await startFaultedService(new FaultInjector({ latencyMs: 80 }));
    const startedAt = performance.now();

    // act
    const response = await fetch(`${handle.url}/work`);

    // assess
    expect(response.status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(75);
  });

  it('holds a request for timeoutMs, then answers 504', async () => {
    // prepare
    handle = await startFaultedService(new FaultInjector({ timeoutRate: 1, timeoutMs: 150 }));
    const startedAt = performance.now();

    // act
    const response = await fetch(`${handle.url}/work`);

    // assess
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ error: { code: 'gateway-timeout', message: expect.stringContaining('150 ms') } });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it('lets go of a held request when the client gives up', async () => {
    // prepare
    const faults = new FaultInjector({ timeoutRate: 1, timeoutMs: 60_000 });
    handle = await startFaultedService(faults);

    // act
    const attempt = fetch(`${handle.url}/work`, { signal: AbortSignal.timeout(100) });

    // assess: the hold ends with the client's connection and the server drains at once
    await expect(attempt).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(faults.waitingCount).toBe(0);
    const startedAt = performance.now();
    await handle.close();
    expect(performance.now() - startedAt).toBeLessThan(2_000);
  });

  it('releases a held request with 503 when the server shuts down', async () => {
    // prepare
    handle = await startFaultedService(new FaultInjector({ timeoutRate: 1, timeoutMs: 60_000 }));
    const held = fetch(`${handle.url}/work`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    // act
    await handle.close();

    // assess
    const response = await held;
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { code: 'shutting-down', message: expect.any(String) } });
  });

  it('lets a request waiting out its latency finish when the server shuts down', async () => {
    // prepare
    handle = await startFaultedService(new FaultInjector({ latencyMs: 300 }));
    const inFlight = fetch(`${handle.url}/work`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    // act
    await handle.close();

    // assess
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('resets the connection without an answer', async () => {
    // prepare
    handle = await startFaultedService(new FaultInjector({ resetRate: 1 }));

    // act
    const attempt = fetch(`${handle.url}/work`);

    // assess
    await expect(attempt).rejects.toThrow('fetch failed');
  });

  it('rejects bad settings with 400 naming the field and keeps the old ones', () => {
    // prepare
    const faults = new FaultInjector({ errorRate: 0.1 });

    // act
    const act = (): unknown => faults.configure({ errorRate: 0.9, resetRate: 0.5 });

    // assess
    expect(act).toThrow(HttpError);
    expect(act).toThrow(/errorRate: errorRate \+ timeoutRate \+ resetRate must be at most 1/);
    expect(faults.config.errorRate).toBe(0.1);
  });

  it('turns every fault off when configured with {}', () => {
    // prepare
    const faults = new FaultInjector({ errorRate: 1 });

    // act
    faults.configure({});

    // assess
    expect(faults.decide()).toEqual({ delayMs: 0, outcome: 'pass' });
  });
});
