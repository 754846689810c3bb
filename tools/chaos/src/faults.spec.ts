import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AdminApiError, CHURN_FAULT_SLICES, FaultCycle, setChurnCredentials, setFaults } from './faults';

const BASE = 'http://127.0.0.1:9999';
const server = setupServer();
const received: { path: string; body: unknown }[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  received.length = 0;
  server.use(
    http.put(`${BASE}/admin/:resource`, async ({ request, params }) => {
      const body: unknown = await request.json();
      received.push({ path: String(params['resource']), body });
      return HttpResponse.json({});
    }),
  );
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('setFaults and setChurnCredentials', () => {
  it('PUT the settings to the admin API', async () => {
    await setFaults(`${BASE}/`, { errorRate: 0.5 });
    await setChurnCredentials(BASE, [{ accessKeyId: 'A', secretAccessKey: 'B' }]);

    expect(received).toEqual([
      { path: 'faults', body: { errorRate: 0.5 } },
      { path: 'credentials', body: { credentials: [{ accessKeyId: 'A', secretAccessKey: 'B' }] } },
    ]);
  });

  it('rejects with AdminApiError when the service refuses', async () => {
    server.use(http.put(`${BASE}/admin/faults`, () => HttpResponse.json({ error: { code: 'validation-failed' } }, { status: 400 })));

    await expect(setFaults(BASE, { errorRate: 2 })).rejects.toThrow(AdminApiError);
    await expect(setFaults(BASE, { errorRate: 2 })).rejects.toThrow(/answered 400/);
  });
});

describe('FaultCycle', () => {
  it('applies the slices in turn, then clears the faults on stop', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    try {
      const cycle = new FaultCycle(BASE, [{ errorRate: 0.1 }, { errorRate: 0.2 }], 1_000);

      await cycle.start();
      await jest.advanceTimersByTimeAsync(2_100);
      await cycle.stop();

      expect(received.map(({ body }) => body)).toEqual([{ errorRate: 0.1 }, { errorRate: 0.2 }, { errorRate: 0.1 }, {}]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('CHURN_FAULT_SLICES', () => {
  it('average to 20% 5xx, 5% 429, 5% held requests and 2% resets', () => {
    const share = (pick: (slice: (typeof CHURN_FAULT_SLICES)[number]) => number) => CHURN_FAULT_SLICES.reduce((sum, slice) => sum + pick(slice), 0) / CHURN_FAULT_SLICES.length;

    expect(share((slice) => (slice.errorStatus !== 429 ? (slice.errorRate ?? 0) : 0))).toBeCloseTo(0.2);
    expect(share((slice) => (slice.errorStatus === 429 ? (slice.errorRate ?? 0) : 0))).toBeCloseTo(0.05);
    expect(share((slice) => slice.timeoutRate ?? 0)).toBeCloseTo(0.05);
    expect(share((slice) => slice.resetRate ?? 0)).toBeCloseTo(0.02);
  });
});
