import { runOpenLoopSchedule, type OpenLoopScheduleOptions, type ScheduledBatch } from './open-loop-schedule';

const START_MS = Date.parse('2026-11-25T10:00:00.000Z');

interface Dispatched extends ScheduledBatch {
  readonly atMs: number;
}

/** A dispatcher that records when each batch left and takes `durationMs` to finish it. */
function recordingDispatcher(durationMs = 0) {
  const batches: Dispatched[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const dispatch = async (batch: ScheduledBatch): Promise<void> => {
    batches.push({ ...batch, atMs: Date.now() });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    inFlight -= 1;
  };
  return { batches, dispatch, maxInFlight: () => maxInFlight };
}

const options = (overrides: Partial<OpenLoopScheduleOptions>): OpenLoopScheduleOptions => ({
  total: 100,
  ratePerSecond: 100,
  maxBatchSize: 500,
  lingerMs: 50,
  concurrency: 4,
  ...overrides,
});

describe('runOpenLoopSchedule', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: START_MS });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('hands out every event once, in order, at its scheduled time plus the linger', async () => {
    // Prepare: 100 events at 100/s = one every 10 ms
    const recorder = recordingDispatcher(5);

    // Act
    const running = runOpenLoopSchedule(options({}), recorder.dispatch);
    await jest.advanceTimersByTimeAsync(1_200);
    const outcome = await running;

    // Assess
    const indices = recorder.batches.flatMap((batch) => Array.from({ length: batch.count }, (_, offset) => batch.first + offset));
    expect(indices).toEqual(Array.from({ length: 100 }, (_, index) => index));
    for (const batch of recorder.batches) {
      expect(batch.scheduledAtMs).toEqual(Array.from({ length: batch.count }, (_, offset) => START_MS + (batch.first + offset) * 10));
      // A batch leaves once its oldest event has lingered 50 ms (or the last event is due), holding what is due by then.
      expect(batch.atMs).toBe(Math.min(START_MS + batch.first * 10 + 50, START_MS + 990));
      expect(batch.count).toBeLessThanOrEqual(6);
      expect(batch.lagMs).toBe(0);
    }
    expect(outcome).toEqual({ startedAtMs: START_MS, dispatched: 100, maxLagMs: 0, interrupted: false });
  });

  it('sends a full batch as soon as it is due, without waiting for the linger', async () => {
    const recorder = recordingDispatcher();

    const running = runOpenLoopSchedule(options({ total: 30, ratePerSecond: 1_000, maxBatchSize: 10, lingerMs: 1_000 }), recorder.dispatch);
    await jest.advanceTimersByTimeAsync(100);
    await running;

    expect(recorder.batches.map((batch) => [batch.first, batch.count, batch.atMs - START_MS])).toEqual([
      [0, 10, 9],
      [10, 10, 19],
      [20, 10, 29],
    ]);
  });

  it('keeps the schedule when dispatching is slow: reports lag and catches up with full batches', async () => {
    // Prepare: 1,000 events/s but each call takes 300 ms with 2 in flight, at most 100 per batch
    const recorder = recordingDispatcher(300);

    // Act
    const running = runOpenLoopSchedule(options({ total: 2_000, ratePerSecond: 1_000, maxBatchSize: 100, lingerMs: 20, concurrency: 2 }), recorder.dispatch);
    await jest.advanceTimersByTimeAsync(10_000);
    const outcome = await running;

    // Assess: never more than 2 in flight, the delay is reported, and event times never moved
    expect(recorder.maxInFlight()).toBe(2);
    expect(outcome.maxLagMs).toBeGreaterThan(1_000);
    expect(Math.max(...recorder.batches.map((batch) => batch.lagMs))).toBe(outcome.maxLagMs);
    const late = recorder.batches.filter((batch) => batch.lagMs > 0);
    expect(late.every((batch) => batch.count === 100 || batch.first + batch.count === 2_000)).toBe(true);
    for (const batch of recorder.batches) {
      expect(batch.scheduledAtMs[0]).toBe(START_MS + batch.first);
    }
    expect(outcome.dispatched).toBe(2_000);
  });

  it('sends everything at once when the rate is unlimited', async () => {
    const recorder = recordingDispatcher();

    const running = runOpenLoopSchedule(options({ total: 1_200, ratePerSecond: Number.POSITIVE_INFINITY, maxBatchSize: 500, lingerMs: 0 }), recorder.dispatch);
    await jest.advanceTimersByTimeAsync(10);
    const outcome = await running;

    expect(recorder.batches.map((batch) => [batch.count, batch.atMs])).toEqual([
      [500, START_MS],
      [500, START_MS],
      [200, START_MS],
    ]);
    expect(outcome.maxLagMs).toBe(0);
  });

  it('stops scheduling when the signal aborts, lets the batch in flight finish and says so', async () => {
    const controller = new AbortController();
    const recorder = recordingDispatcher(100);

    const running = runOpenLoopSchedule(options({ total: 1_000, signal: controller.signal }), recorder.dispatch);
    await jest.advanceTimersByTimeAsync(200);
    controller.abort();
    await jest.advanceTimersByTimeAsync(200);
    const outcome = await running;

    expect(outcome.interrupted).toBe(true);
    expect(outcome.dispatched).toBeLessThan(30);
    expect(outcome.dispatched).toBe(recorder.batches.reduce((sum, batch) => sum + batch.count, 0));
  });

  it('fails with the first error once the batches in flight have settled', async () => {
    let settled = 0;
    const dispatch = jest.fn(async (batch: ScheduledBatch) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      settled += 1;
      if (batch.first === 0) throw new Error('stream gone');
    });

    const running = runOpenLoopSchedule(options({ total: 1_000, ratePerSecond: 1_000, maxBatchSize: 10, lingerMs: 0 }), dispatch);
    const assertion = expect(running).rejects.toThrow('stream gone');
    await jest.advanceTimersByTimeAsync(1_000);
    await assertion;

    expect(dispatch.mock.calls.length).toBeLessThan(20);
    expect(settled).toBe(dispatch.mock.calls.length);
  });
});
