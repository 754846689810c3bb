import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { sendJobEvents } from '@tenant-analytics/job-producer';
import { ProcessCpuMeter } from '../process-cpu';
import { judgeStep, RateSearch, type RateSearchSettings, type StepVerdict, type SustainabilityCriteria } from '../sustainability';
import { ratePerSecond } from '../statistics';
import { readSentEvent, StepCollector, type LatencyPercentiles } from './step-collector';
import type { RecordHandler } from './stream-tap';

/** One open-loop step: a fixed rate for a fixed time, and what came out. */
export interface StepResult {
  readonly runId: string;
  readonly targetRate: number;
  readonly seconds: number;
  readonly sent: number;
  readonly delivered: number;
  /** Events per second the producer achieved (accepted by the emulator). */
  readonly sendRate: number;
  readonly producerMaxLagMs: number;
  readonly latency: LatencyPercentiles;
  readonly verdict: StepVerdict;
  /** Cores each process used while the step was sent (1 = one core busy), by component. */
  readonly cpuCores: Readonly<Record<string, number>>;
}

/** How long to wait for a step's events to come out. */
export interface DrainSettings {
  /** After the send ended, at most this long. */
  readonly timeoutMs: number;
  /** Give up earlier when nothing new came out for this long. */
  readonly stallMs: number;
}

/** The outcome of a search for the highest sustainable rate. */
export interface SearchOutcome {
  readonly sustained?: number;
  /** The lowest rate that failed: the sustained rate is known to this resolution. */
  readonly failedAt?: number;
  readonly steps: readonly StepResult[];
  /** Why the search stopped early, if it did. */
  readonly aborted?: string;
}

/**
 * Sends open-loop steps of job events (the producer's own engine: scheduled send times in
 * `sentAt`, PutRecords batches) to an input stream and collects, per step, what a tap on the
 * output stream saw. `handler` is what the tap must call for each record.
 */
export class StepRunner {
  private readonly collectors = new Map<string, StepCollector>();
  private steps = 0;

  constructor(
    private readonly settings: {
      readonly producer: KinesisClient;
      readonly inputStream: string;
      readonly companyIds: readonly string[];
      /** Prefix of the step run ids (`<prefix>-<n>`). */
      readonly label: string;
      readonly criteria?: SustainabilityCriteria;
      /** The process trees whose CPU each step measures (asked at each step: a restarted runner has a new pid). */
      readonly processes?: () => Readonly<Record<string, number>>;
      readonly log: (line: string) => void;
    },
  ) {}

  /** Feed the output tap's records here. */
  readonly handler: RecordHandler = (data, observedAtMs) => {
    const event = readSentEvent(data);
    if (event !== undefined) this.collectors.get(event.runId)?.record(event, observedAtMs);
  };

  /** Runs one step and judges it; `check` is called after the send to fail fast (e.g. a dead processor). */
  async step(rate: number, seconds: number, drain: DrainSettings, check: () => void = () => undefined): Promise<StepResult & { collector: StepCollector }> {
    this.steps += 1;
    const runId = `${this.settings.label}-${this.steps}`;
    const count = Math.max(1, Math.round(rate * seconds));
    const collector = new StepCollector(runId, count);
    this.collectors.set(runId, collector);
    const meter = new ProcessCpuMeter(this.settings.processes?.() ?? {});
    const ownCpuBefore = process.cpuUsage();
    const sendStartedMs = performance.now();
    meter.start();
    const summary = await sendJobEvents(
      { streamName: this.settings.inputStream, count, ratePerSecond: rate, companyIds: this.settings.companyIds, runId, seed: this.steps, concurrency: 4, lingerMs: 20 },
      { kinesis: this.settings.producer },
    );
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const cpuCores = { ...meter.stop(), bench: (ownCpu.user + ownCpu.system) / 1_000 / Math.max(1, performance.now() - sendStartedMs) };
    check();
    await collector.waitForAll(drain.timeoutMs, drain.stallMs);
    check();
    const verdict = judgeStep(
      { targetRate: rate, sent: summary.accepted, delivered: collector.delivered, producerMaxLagMs: summary.maxScheduleLagMs, samples: collector.samples },
      this.settings.criteria,
    );
    const result = {
      runId,
      targetRate: rate,
      seconds,
      sent: summary.accepted,
      delivered: collector.delivered,
      sendRate: ratePerSecond(summary.accepted, summary.durationMs),
      producerMaxLagMs: summary.maxScheduleLagMs,
      latency: collector.latency(),
      verdict,
      cpuCores,
    };
    this.settings.log(
      `${runId}: ${rate}/s for ${seconds} s → ${verdict.sustainable ? 'sustained' : `not sustained (${verdict.reasons.join('; ')})`}, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
    );
    return { ...result, collector };
  }

  /**
   * Finds the highest rate that holds for `seconds` (see {@link RateSearch}). After a failed step
   * it waits for the backlog to drain before the next step, and gives up if it does not within
   * `backlog`.
   */
  async search(settings: RateSearchSettings, seconds: number, drain: DrainSettings, backlog: DrainSettings, check?: () => void): Promise<SearchOutcome> {
    const search = new RateSearch(settings);
    const steps: StepResult[] = [];
    for (let rate: number | undefined = search.first(); rate !== undefined; ) {
      const { collector, ...result } = await this.step(rate, seconds, drain, check);
      steps.push(result);
      if (!result.verdict.sustainable && !(await collector.waitForAll(backlog.timeoutMs, backlog.stallMs))) {
        search.next(rate, false);
        return { ...outcomeOf(search), steps, aborted: `the backlog of the ${rate}/s step did not drain within ${backlog.timeoutMs} ms (${collector.delivered} of ${collector.expected} out)` };
      }
      rate = search.next(rate, result.verdict.sustainable);
    }
    return { ...outcomeOf(search), steps };
  }
}

function outcomeOf(search: RateSearch): Pick<SearchOutcome, 'sustained' | 'failedAt'> {
  return { ...(search.sustained === undefined ? {} : { sustained: search.sustained }), ...(search.failed === undefined ? {} : { failedAt: search.failed }) };
}
