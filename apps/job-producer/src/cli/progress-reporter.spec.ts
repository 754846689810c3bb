import { PassThrough } from 'node:stream';
import { createProgressReporter, PLAIN_PROGRESS_INTERVAL_MS, type ProgressView } from './progress-reporter';

/** A stream that keeps what is written; `isTTY` chooses the bar or the lines. */
function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  const written: string[] = [];
  stream.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  return { stream, text: () => written.join('') };
}

const progress = (accepted: number, overrides: Partial<ProgressView> = {}): ProgressView => ({
  total: 1_000,
  accepted,
  retriedEntries: 2,
  rejected: 0,
  elapsedMs: 2_000,
  lagMs: 12,
  ...overrides,
});

describe('createProgressReporter', () => {
  afterEach(() => jest.useRealTimers());

  it('prints a plain line every interval while progress changes when not on a terminal', async () => {
    // Prepare
    jest.useFakeTimers();
    const output = capture(false);
    const reporter = createProgressReporter(output.stream, 'send');

    // Act
    reporter.update(progress(250));
    jest.advanceTimersByTime(PLAIN_PROGRESS_INTERVAL_MS);
    jest.advanceTimersByTime(PLAIN_PROGRESS_INTERVAL_MS);
    reporter.update(progress(600, { elapsedMs: 4_000 }));
    jest.advanceTimersByTime(PLAIN_PROGRESS_INTERVAL_MS);
    reporter.stop();
    reporter.update(progress(1_000));
    jest.advanceTimersByTime(PLAIN_PROGRESS_INTERVAL_MS);
    await Promise.resolve();

    // Assess: one line per change, none after stop
    expect(output.text()).toBe(
      'send: 250/1000 accepted (25%), 125/s, retried 2, rejected 0, lag 12 ms\n' + 'send: 600/1000 accepted (60%), 150/s, retried 2, rejected 0, lag 12 ms\n',
    );
  });

  it('draws a bar with rate, retries and rejections on a terminal', async () => {
    const output = capture(true);
    const reporter = createProgressReporter(output.stream, 'seed-companies');

    reporter.update(progress(500, { rejected: 1 }));
    reporter.stop();
    await Promise.resolve();

    expect(output.text()).toMatch(/seed-companies \[=+-+\] 50% \| 500\/1000 \| 250\/s \| retried 2 \| rejected 1 \| lag 12 ms/);
  });
});
