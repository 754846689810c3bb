import { loadPipelineConfig } from '@tenant-analytics/domain';
import type { LocalEndpoints } from '@tenant-analytics/local-stack';
import {
  createAwsClients,
  createBatchProcessor,
  InMemoryMetrics,
  localPropertyGroups,
  METRIC,
  type AwsClients,
  type EffectStep,
} from '@tenant-analytics/processor';
import { MemoryLogger } from '@tenant-analytics/processor/testing';
import type { InitializeMiddleware } from '@smithy/types';
import { summarize } from '../statistics';
import { formatInteger } from '../table';
import { JobWorkload } from '../workload';

// `npm run bench -- --diagnose`: one lane of our processor timed in the benchmark's process against
// scenario 3's stack, step by step and call by call.

/** Where one batch's wall time went, by step of the core (ms, medians over batches). */
export interface ProcessorDiagnosis {
  readonly batches: number;
  readonly recordsPerBatch: number;
  /** Median wall time of a whole batch. */
  readonly batchMs: number;
  /** One lane's rate: records per batch / batch time. */
  readonly laneEventsPerSecond: number;
  /** Median ms per step: compute (decode, state read, lookups, scoring), write-ahead, commit, publish, complete. */
  readonly stepsMs: Readonly<Record<'compute' | 'writeAhead' | 'commit' | 'publish' | 'complete', number>>;
  /** Calls per batch and summed call time per batch (ms; concurrent calls overlap), by AWS command. */
  readonly calls: Readonly<Record<string, { readonly perBatch: number; readonly msPerBatch: number }>>;
  /** Median churn call time (ms) and calls per batch. */
  readonly scoring: { readonly callMs: number; readonly callsPerBatch: number };
  /** CPU time of this process per batch (ms): the part of the batch that is computation. */
  readonly cpuMsPerBatch: number;
}

type CallTimes = Map<string, { count: number; totalMs: number }>;

/** What the timing middleware records: every call's duration, and the first write of the batch. */
interface CallLog {
  readonly times: CallTimes;
  /** When the first DynamoDB write of the current batch started: the end of the compute step. */
  firstWriteAtMs?: number;
}

const DYNAMODB_WRITES = new Set(['BatchWriteItemCommand', 'PutItemCommand', 'UpdateItemCommand']);

/** Middleware that times every SDK call of a client, by `<service>.<command>`. */
function timing<Input extends object, Output extends object>(service: string, log: CallLog): InitializeMiddleware<Input, Output> {
  return (next, context) => async (args) => {
    const started = performance.now();
    const command = context.commandName ?? 'Call';
    if (service === 'DynamoDB' && DYNAMODB_WRITES.has(command)) log.firstWriteAtMs ??= started;
    try {
      return await next(args);
    } finally {
      const key = `${service}.${command.replace(/Command$/, '')}`;
      const entry = log.times.get(key) ?? { count: 0, totalMs: 0 };
      entry.count += 1;
      entry.totalMs += performance.now() - started;
      log.times.set(key, entry);
    }
  };
}

function instrument(clients: AwsClients, log: CallLog): void {
  const options = { step: 'initialize', name: 'benchCallTiming' } as const;
  clients.dynamodb.middlewareStack.add(timing('DynamoDB', log), options);
  clients.s3.middlewareStack.add(timing('S3', log), options);
  clients.kinesis.middlewareStack.add(timing('Kinesis', log), options);
}

/**
 * Runs our processor in this process against the running local stack (the same composition as the
 * local runner: DynamoDB state and write-ahead, tenant manager, churn API, S3, output stream), one
 * lane, batch after batch, and times each effect step of each batch and every AWS call: the
 * measured answer to "where does an end-to-end batch spend its time". Uses a lane of its own
 * (`bench-diagnosis-*` shard ids), so the running processor's checkpoints are not touched.
 */
export async function diagnoseProcessor(
  endpoints: LocalEndpoints,
  options: { readonly batches: number; readonly recordsPerBatch: number; readonly companies: number; readonly env?: Readonly<Record<string, string>> },
): Promise<ProcessorDiagnosis> {
  const config = loadPipelineConfig({ json: localPropertyGroups(endpoints), env: { ...options.env } });
  const clients = createAwsClients(config, async () => ({ ...endpoints.credentials }));
  const log: CallLog = { times: new Map() };
  instrument(clients, log);
  const stepAt = new Map<EffectStep, number>();
  const metrics = new InMemoryMetrics();
  const processor = createBatchProcessor(config, clients, {
    logger: new MemoryLogger(),
    metrics,
    credentials: async () => ({ ...endpoints.credentials }),
    afterStep: (step) => void stepAt.set(step, performance.now()),
  });
  const workload = new JobWorkload({ companies: options.companies, shards: 1, recordsPerBatch: options.recordsPerBatch, seed: 99, stream: endpoints.streams.jobs });
  const perBatch: { total: number; compute: number; writeAhead: number; commit: number; publish: number; complete: number; cpu: number }[] = [];
  try {
    for (let index = 0; index < options.batches; index++) {
      const [batch] = workload.batches(options.recordsPerBatch);
      if (batch === undefined) break;
      stepAt.clear();
      log.firstWriteAtMs = undefined;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await processor.process(endpoints.streams.jobs, `shardId-bench-diagnosis-${index % 2}`, batch.records);
      const ended = performance.now();
      const cpu = process.cpuUsage(cpuBefore);
      const pendingAt = stepAt.get('pending-written') ?? ended;
      // Compute only reads; the write-ahead step begins with the batch's first DynamoDB write.
      const computedAt = Math.min(log.firstWriteAtMs ?? pendingAt, pendingAt);
      perBatch.push({
        total: ended - started,
        compute: computedAt - started,
        writeAhead: pendingAt - computedAt,
        commit: (stepAt.get('committed') ?? ended) - pendingAt,
        publish: (stepAt.get('published') ?? ended) - (stepAt.get('committed') ?? ended),
        complete: (stepAt.get('completed') ?? ended) - (stepAt.get('published') ?? ended),
        cpu: (cpu.user + cpu.system) / 1_000,
      });
    }
  } finally {
    clients.dynamodb.destroy();
    clients.s3.destroy();
    clients.kinesis.destroy();
  }
  const median = (pick: (batch: (typeof perBatch)[number]) => number) => summarize(perBatch.map(pick)).median;
  const batchMs = median((batch) => batch.total);
  const scoringCalls = metrics.counter(METRIC.scoringCalls);
  const scoringLatency = metrics.snapshot().observations[METRIC.scoringLatencyMs];
  return {
    batches: perBatch.length,
    recordsPerBatch: options.recordsPerBatch,
    batchMs,
    laneEventsPerSecond: batchMs > 0 ? (options.recordsPerBatch * 1_000) / batchMs : 0,
    stepsMs: {
      compute: median((batch) => batch.compute),
      writeAhead: median((batch) => batch.writeAhead),
      commit: median((batch) => batch.commit),
      publish: median((batch) => batch.publish),
      complete: median((batch) => batch.complete),
    },
    calls: Object.fromEntries([...log.times].map(([key, value]) => [key, { perBatch: value.count / perBatch.length, msPerBatch: value.totalMs / perBatch.length }])),
    scoring: { callMs: scoringLatency === undefined ? 0 : scoringLatency.sum / scoringLatency.count, callsPerBatch: scoringCalls / perBatch.length },
    cpuMsPerBatch: median((batch) => batch.cpu),
  };
}

/** Where one batch of ours spent its time, in words (a note of scenario 3). */
export function diagnosisText(diagnosis: ProcessorDiagnosis): string {
  const { stepsMs, calls, scoring } = diagnosis;
  const ms = (value: number) => `${formatInteger(value)} ms`;
  const busiest = Object.entries(calls)
    .sort((a, b) => b[1].msPerBatch - a[1].msPerBatch)
    .slice(0, 5)
    .map(([command, call]) => `${command} ×${formatInteger(call.perBatch)} (${ms(call.msPerBatch)} summed)`);
  return (
    `one lane of ours in process, batch of ${formatInteger(diagnosis.recordsPerBatch)} (median of ${diagnosis.batches}): ${ms(diagnosis.batchMs)} → ${formatInteger(diagnosis.laneEventsPerSecond)} events/s per lane; ` +
    `compute ${ms(stepsMs.compute)} (churn ${formatInteger(scoring.callsPerBatch)} calls of ${formatInteger(scoring.callMs)} ms), write-ahead ${ms(stepsMs.writeAhead)}, commit ${ms(stepsMs.commit)}, publish ${ms(stepsMs.publish)}, complete ${ms(stepsMs.complete)}; ` +
    `CPU ${ms(diagnosis.cpuMsPerBatch)} per batch; calls per batch: ${busiest.join(', ')}`
  );
}
