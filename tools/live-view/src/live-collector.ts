import { GetObjectCommand } from '@aws-sdk/client-s3';
import { CHURN_THRESHOLD, deadLetterSchema, SILENT_LOGGER, type EnrichedCompany, type Logger } from '@tenant-analytics/domain';
import { LOCAL_SINK_PREFIXES } from '@tenant-analytics/local-stack';
import { EnrichedStreamTail, listKeys, type LocalPipelineProbe } from '@tenant-analytics/pipeline-harness';
import type { ChurnRiskRow, DeadLetterReasonView, LiveModel, OutputSecond } from './live-model';
import { parseProcessorMetrics, type ProcessorSample } from './processor-sample';

/** Options of {@link LiveCollector.start}. */
export interface LiveCollectorOptions {
  /** The processor's metrics endpoint (`http://127.0.0.1:<port>`), when it serves one. */
  readonly processorMetricsUrl?: string;
  /** The stack to read outputs from (enriched stream, dead letters); none: processor metrics only. */
  readonly probe?: LocalPipelineProbe;
  /** @default 1000 */
  readonly intervalMs?: number;
  /** Samples kept (oldest dropped). @default 3600 (an hour at 1 s) */
  readonly maxSamples?: number;
  /** Rows of the churn-risk table. @default 10 */
  readonly topN?: number;
  /** @default - silent */
  readonly logger?: Logger;
}

const SAMPLE_RECORD_CHARS = 300;
/** Dead-letter objects read per listing at most (for the examples and counts), and on {@link LiveCollector.refresh}. */
const DEAD_LETTERS_PER_LISTING = 100;
const DEAD_LETTERS_ON_REFRESH = 1_000;
/** The dead-letter location is listed every this many ticks (a listing reads every key). */
const DEAD_LETTER_LISTING_EVERY_TICKS = 5;

function printable(base64: string): string {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  // eslint-disable-next-line no-control-regex
  const readable = !text.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F]/.test(text);
  const shown = !readable ? `base64:${base64}` : text.trim() === '' ? JSON.stringify(text) : text;
  return shown.length > SAMPLE_RECORD_CHARS ? `${shown.slice(0, SAMPLE_RECORD_CHARS)}…` : shown;
}

/**
 * Collects what the live view shows, about once a second: a sample of the processor's
 * `/metrics.json`, the enriched stream as a consumer reads it (output per source shard, the latest
 * record per company for the churn-risk table) and the dead letters (count and one example per
 * reason). Failures of a source are recorded in the model, never thrown: the view says what is
 * missing and keeps updating.
 */
export class LiveCollector {
  private readonly samples: ProcessorSample[] = [];
  private readonly outputSeconds = new Map<number, { byShard: Record<string, number>; maxAgeMsByShard: Record<string, number> }>();
  private readonly latestByCompany = new Map<string, EnrichedCompany>();
  private readonly deadLetterViews = new Map<string, DeadLetterReasonView>();
  private readonly deadLetterCounts = new Map<string, number>();
  private readonly seenDeadLetterKeys = new Set<string>();
  private observed = 0;
  private ticks = 0;
  private processorError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private tail: EnrichedStreamTail | undefined;

  private constructor(private readonly options: LiveCollectorOptions) {}

  static async start(options: LiveCollectorOptions): Promise<LiveCollector> {
    const collector = new LiveCollector(options);
    if (options.probe !== undefined) collector.tail = await EnrichedStreamTail.start(options.probe, { logger: options.logger ?? SILENT_LOGGER });
    await collector.tick();
    collector.timer = setInterval(() => {
      collector.ticking = collector.ticking.then(() => collector.tick());
    }, options.intervalMs ?? 1_000);
    collector.timer.unref();
    return collector;
  }

  /** Takes one more sample now (tests and the final report use it to read the end state). */
  async refresh(): Promise<void> {
    this.ticking = this.ticking.then(() => this.tick(true));
    await this.ticking;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.tail?.stop();
  }

  /** What the view shows right now; `lastSamples` limits the history sent. */
  model(lastSamples?: number): LiveModel {
    const samples = lastSamples === undefined ? [...this.samples] : this.samples.slice(-lastSamples);
    const fromMs = samples[0]?.atMs ?? 0;
    // Every second from the first output on, zeros included: a chart must not bridge a second without output.
    const seconds = [...this.outputSeconds.keys()];
    // From the first sample (so every chart spans the same time), or the first output without samples.
    const first = samples.length > 0 ? Math.floor(fromMs / 1000) : Math.min(...seconds);
    const last = Math.max(...seconds, Math.floor(Date.now() / 1000) - 1);
    const output: OutputSecond[] = [];
    for (let second = first; seconds.length > 0 && second <= last; second++) {
      const bucket = this.outputSeconds.get(second);
      output.push({ atMs: second * 1000, byShard: bucket?.byShard ?? {}, maxAgeMsByShard: bucket?.maxAgeMsByShard ?? {} });
    }
    return {
      generatedAtMs: Date.now(),
      processorMetricsUrl: this.options.processorMetricsUrl === undefined ? undefined : `${this.options.processorMetricsUrl}/metrics`,
      processorError: this.processorError,
      samples,
      output,
      deadLetters: this.deadLetters(samples.at(-1)),
      churnRisk: this.churnRisk(),
    };
  }

  private async tick(force = false): Promise<void> {
    const listDeadLetters = force || this.ticks % DEAD_LETTER_LISTING_EVERY_TICKS === 0;
    this.ticks += 1;
    await Promise.all([this.sampleProcessor(), this.readOutput(), listDeadLetters ? this.readDeadLetters(force ? DEAD_LETTERS_ON_REFRESH : DEAD_LETTERS_PER_LISTING) : Promise.resolve()]);
  }

  /** Each reason with its count (the processor's counter when it serves metrics, else the objects read) and an example. */
  private deadLetters(latest: ProcessorSample | undefined): DeadLetterReasonView[] {
    const reasons = new Set([...Object.keys(latest?.deadLetters ?? {}), ...this.deadLetterViews.keys()]);
    return [...reasons]
      .map((reason) => {
        const count = latest?.deadLetters[reason] ?? this.deadLetterCounts.get(reason) ?? 0;
        const view = this.deadLetterViews.get(reason);
        return view === undefined ? { reason, stage: '', count, message: '', sampleRecord: '(no example read yet)', sampleKey: '' } : { ...view, count };
      })
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }

  private async sampleProcessor(): Promise<void> {
    const base = this.options.processorMetricsUrl;
    if (base === undefined) {
      this.processorError = 'no processor metrics endpoint (start the processor with --metrics-port)';
      return;
    }
    try {
      const response = await fetch(`${base}/metrics.json`, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.samples.push(parseProcessorMetrics(await response.json(), Date.now()));
      if (this.samples.length > (this.options.maxSamples ?? 3_600)) this.samples.shift();
      this.processorError = undefined;
    } catch (error) {
      this.processorError = `cannot read ${base}/metrics.json: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private readOutput(): Promise<void> {
    if (this.tail === undefined) return Promise.resolve();
    const observations = this.tail.observations();
    for (const { record, outputAtMs } of observations.slice(this.observed)) {
      const second = Math.floor(outputAtMs / 1000);
      const shard = `${record.source.stream}/${record.source.shardId}`;
      const bucket = this.outputSeconds.get(second) ?? { byShard: {}, maxAgeMsByShard: {} };
      bucket.byShard[shard] = (bucket.byShard[shard] ?? 0) + 1;
      if (record.sentAt !== undefined) bucket.maxAgeMsByShard[shard] = Math.max(bucket.maxAgeMsByShard[shard] ?? 0, outputAtMs - Date.parse(record.sentAt));
      this.outputSeconds.set(second, bucket);
      const current = this.latestByCompany.get(record.companyID);
      if (current === undefined || record.processedAt >= current.processedAt) this.latestByCompany.set(record.companyID, record);
    }
    this.observed = observations.length;
    return Promise.resolve();
  }

  private async readDeadLetters(limit: number): Promise<void> {
    const probe = this.options.probe;
    if (probe === undefined) return;
    const logger = this.options.logger ?? SILENT_LOGGER;
    let keys: string[];
    try {
      keys = (await listKeys(probe, `${LOCAL_SINK_PREFIXES.deadLetters}/`)).filter((key) => !this.seenDeadLetterKeys.has(key));
    } catch (error) {
      logger.warn('listing dead letters failed; retrying next tick', { error: String(error) });
      return;
    }
    for (const key of keys.slice(0, limit)) {
      let body: unknown;
      try {
        const object = await probe.s3.send(new GetObjectCommand({ Bucket: probe.endpoints.bucket, Key: key }));
        body = JSON.parse((await object.Body?.transformToString('utf8')) ?? 'null');
      } catch (error) {
        // Read again with the next listing: s3rver lists an object while it writes it, so a body
        // may not be whole JSON yet. Only a whole one counts as seen; the keys after it are read now.
        logger.warn('reading a dead letter failed; retrying next tick', { key, error: String(error) });
        continue;
      }
      this.seenDeadLetterKeys.add(key);
      const decoded = deadLetterSchema.safeParse(body);
      if (!decoded.success) continue;
      const { reason, stage, message, record } = decoded.data;
      this.deadLetterCounts.set(reason, (this.deadLetterCounts.get(reason) ?? 0) + 1);
      if (!this.deadLetterViews.has(reason)) this.deadLetterViews.set(reason, { reason, stage, message, count: 0, sampleRecord: printable(record.data), sampleKey: key });
    }
  }

  private churnRisk(): LiveModel['churnRisk'] {
    const flagged = [...this.latestByCompany.values()].filter((record) => record.riskOfChurn === true);
    const top: ChurnRiskRow[] = flagged
      .map((record) => ({
        companyID: record.companyID,
        industry: record.industry,
        churnProbability: record.churnProbability ?? 0,
        monthlyFee: record.monthlyFee,
        monthlyFeeAtRisk: Math.round((record.churnProbability ?? 0) * record.monthlyFee * 100) / 100,
        job30: record.job30,
        job90: record.job90,
      }))
      .sort((a, b) => b.monthlyFeeAtRisk - a.monthlyFeeAtRisk || a.companyID.localeCompare(b.companyID))
      .slice(0, this.options.topN ?? 10);
    return { threshold: CHURN_THRESHOLD, companies: this.latestByCompany.size, flagged: flagged.length, top };
  }
}
