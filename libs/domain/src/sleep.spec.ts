import { sleep } from './sleep';

describe('sleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves after the given time, not before', async () => {
    // Prepare
    let done = false;
    const sleeping = sleep(100).then(() => (done = true));

    // Act
    await jest.advanceTimersByTimeAsync(99);
    const early = done;
    await jest.advanceTimersByTimeAsync(1);
    await sleeping;

    // Assess
    expect(early).toBe(false);
    expect(done).toBe(true);
  });

  it('resolves at once when its signal aborts, or was aborted before', async () => {
    // Prepare
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);

    // Act
    controller.abort();

    // Assess
    await expect(sleeping).resolves.toBeUndefined();
    await expect(sleep(60_000, controller.signal)).resolves.toBeUndefined();
  });
});
