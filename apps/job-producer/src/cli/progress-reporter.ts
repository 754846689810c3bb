import { SingleBar } from 'cli-progress';

/** What the reporter shows; both engines' progress objects fit. */
export interface ProgressView {
  readonly total: number;
  readonly accepted: number;
  readonly retriedEntries: number;
  readonly rejected: number;
  readonly elapsedMs: number;
  readonly lagMs?: number;
}

/** Shows progress while a command runs. */
export interface ProgressReporter {
  update(progress: ProgressView): void;
  /** Stops the bar or the periodic lines; call before printing the summary. */
  stop(): void;
}

/** A stream the reporter writes to. */
export interface ProgressStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean;
}

/** How often plain progress lines are printed when the output is not a terminal. */
export const PLAIN_PROGRESS_INTERVAL_MS = 2_000;

function ratePerSecond(progress: ProgressView): number {
  return progress.elapsedMs > 0 ? Math.round((progress.accepted * 1000) / progress.elapsedMs) : 0;
}

function barReporter(stream: ProgressStream, label: string): ProgressReporter {
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | retried {retried} | rejected {rejected} | lag {lag} ms`,
    hideCursor: true,
    clearOnComplete: false,
  });
  let started = false;
  return {
    update(progress) {
      const payload = { rate: ratePerSecond(progress), retried: progress.retriedEntries, rejected: progress.rejected, lag: Math.round(progress.lagMs ?? 0) };
      if (!started) {
        bar.start(progress.total, progress.accepted, payload);
        started = true;
      } else {
        bar.update(progress.accepted, payload);
      }
    },
    stop() {
      if (started) {
        bar.stop();
      }
    },
  };
}

function linesReporter(stream: ProgressStream, label: string, intervalMs: number): ProgressReporter {
  let latest: ProgressView | undefined;
  let printed: ProgressView | undefined;
  const timer = setInterval(() => {
    if (latest === undefined || latest === printed) {
      return;
    }
    printed = latest;
    const percent = latest.total > 0 ? Math.floor((latest.accepted * 100) / latest.total) : 100;
    const lag = latest.lagMs === undefined ? '' : `, lag ${Math.round(latest.lagMs)} ms`;
    stream.write(
      `${label}: ${latest.accepted}/${latest.total} accepted (${percent}%), ${ratePerSecond(latest)}/s, retried ${latest.retriedEntries}, rejected ${latest.rejected}${lag}\n`,
    );
  }, intervalMs);
  timer.unref();
  return {
    update(progress) {
      latest = progress;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * A cli-progress bar (rate, retries, rejections, lag) when `stream` is a terminal, otherwise a
 * plain line every {@link PLAIN_PROGRESS_INTERVAL_MS} while something changes (CI logs, pipes).
 */
export function createProgressReporter(stream: ProgressStream, label: string, intervalMs = PLAIN_PROGRESS_INTERVAL_MS): ProgressReporter {
  return stream.isTTY === true ? barReporter(stream, label) : linesReporter(stream, label, intervalMs);
}
