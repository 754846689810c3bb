import { CreateStreamCommand, ListShardsCommand, waitUntilStreamExists, type KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadPipelineConfig, parseEventSourceMappingSettings, type EventSourceMappingSettings } from '@tenant-analytics/domain';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { LocalPipelineProbe } from '@tenant-analytics/pipeline-harness';
import { KinesisClient as Kinesis } from '@aws-sdk/client-kinesis';
import { EventSourceMappingEmulator } from '../../src/esm/event-source-mapping-emulator';
import type { HandlerLoader, KinesisFunctionHandler } from '../../src/esm/function-environments';
import type * as HandlerModule from '../../src/handler';
import { LOCAL_IDENTITY } from '../../src/esm/lambda-runtime';
import { loadMappingSettings } from '../../src/esm/mapping-settings';
import type { OnFailureDestination, KinesisOnFailureRecord } from '../../src/esm/on-failure-destination';
import type { InvocationReport } from '../../src/esm/shard-consumer';
import { localPropertyGroups } from '../../src/local-config';
import { InMemoryMetrics } from '../../src/adapters/in-memory-metrics';
import { createAwsClients, createBatchProcessor } from '../../src/composition';
import { MemoryLogger } from '../../src/testing/in-memory-adapters';

/**
 * Test helpers for the event source mapping emulator on a real local stack: per-test streams (so
 * lanes, shards and S3 keys of one test never meet another's), the function's environment, and a
 * loader that gives every execution environment a fresh instance of `src/handler.ts`.
 */

/** One execution environment per call: a fresh module instance of the production handler. */
export const handlerLoader: HandlerLoader = () => {
  let handler: KinesisFunctionHandler | undefined;
  jest.isolateModules(() => {
    handler = jest.requireActual<typeof HandlerModule>('../../src/handler').handler;
  });
  if (handler === undefined) throw new Error('src/handler.ts exports no handler');
  return handler;
};

/** A loader whose handlers pass through `wrap` (a test's view of the real handler's responses). */
export function wrappedHandlerLoader(wrap: (handler: KinesisFunctionHandler) => KinesisFunctionHandler): HandlerLoader {
  return async () => wrap(await handlerLoader());
}

/** Creates the test's own jobs and companies streams (ACTIVE on return). */
export async function createTestStreams(kinesis: KinesisClient, prefix: string, jobsShards = 1): Promise<{ jobs: string; companies: string }> {
  const streams = { jobs: `${prefix}-jobs`, companies: `${prefix}-companies` };
  for (const [name, shards] of [[streams.jobs, jobsShards], [streams.companies, 1]] as const) {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 60, minDelay: 1 }, { StreamName: name });
  }
  return streams;
}

/** The shard ids of a stream. */
export async function shardIds(kinesis: KinesisClient, stream: string): Promise<string[]> {
  const response = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  return (response.Shards ?? []).map((shard) => shard.ShardId ?? '');
}

/**
 * Sets the function's environment variables (as the CDK app would): the local stack's property
 * groups with the test's streams, credentials, and `overrides` (single-key config variables).
 * Returns a function that restores the previous values.
 */
export function setFunctionEnvironment(stack: LocalStack, streams: { jobs: string; companies: string }, overrides: Record<string, string> = {}): () => void {
  const variables: Record<string, string> = {
    PROPERTY_GROUPS: localPropertyGroups(stack.endpoints),
    AWS_REGION: stack.endpoints.region,
    AWS_ACCESS_KEY_ID: stack.endpoints.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.endpoints.credentials.secretAccessKey,
    POWERTOOLS_METRICS_DISABLED: 'true',
    LOG_LEVEL: 'silent',
    JOBS_STREAM_NAME: streams.jobs,
    COMPANIES_STREAM_NAME: streams.companies,
    // These tests check the mapping's semantics in the company items: every batch writes its
    // companies. The overlap spec also runs with state compaction on (see compactJobsLanes).
    STATE_COMPACTION_INTERVAL_SECONDS: '0',
    ...overrides,
  };
  const previous = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** An on-failure destination kept in memory (the JSON Lines file destination has its own test). */
export class MemoryOnFailureDestination implements OnFailureDestination {
  readonly records: KinesisOnFailureRecord[] = [];
  async send(record: KinesisOnFailureRecord): Promise<void> {
    this.records.push(record);
  }
}

/** Options of {@link startTestEmulator}. */
export interface TestEmulatorOptions {
  readonly stack: LocalStack;
  readonly streams: { jobs: string; companies: string };
  /** Overrides of the CDK app's mapping settings (read from apps/infra/cdk.json). */
  readonly settings?: Partial<Record<keyof EventSourceMappingSettings, number>>;
  readonly loadHandler?: HandlerLoader;
  readonly invocationTimeoutMs?: number;
  readonly onFailure?: OnFailureDestination;
  /** The mapping's clock (record age). @default Date.now */
  readonly now?: () => number;
}

/** Starts an emulator over the test's streams from TRIM_HORIZON, with test-speed polling and retries. */
export async function startTestEmulator(options: TestEmulatorOptions): Promise<{ emulator: EventSourceMappingEmulator; kinesis: KinesisClient; logger: MemoryLogger }> {
  const { endpoints } = options.stack;
  const kinesis = new Kinesis({ region: endpoints.region, endpoint: endpoints.kinesis, credentials: endpoints.credentials, requestHandler: new NodeHttpHandler() });
  const settings = options.settings === undefined ? loadMappingSettings() : parseEventSourceMappingSettings({ ...loadMappingSettings(), ...options.settings });
  const logger = new MemoryLogger();
  const emulator = new EventSourceMappingEmulator({
    streams: [
      { name: options.streams.jobs, startingPosition: { type: 'TRIM_HORIZON' } },
      { name: options.streams.companies, startingPosition: { type: 'TRIM_HORIZON' } },
    ],
    kinesis,
    settings,
    loadHandler: options.loadHandler ?? handlerLoader,
    onFailure: options.onFailure ?? new MemoryOnFailureDestination(),
    identity: { region: endpoints.region, ...LOCAL_IDENTITY },
    logger,
    pollIntervalMs: 100,
    shardDiscoveryIntervalMs: 500,
    retryDelayMs: 50,
    ...(options.invocationTimeoutMs === undefined ? {} : { invocationTimeoutMs: options.invocationTimeoutMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  running.add(emulator);
  await emulator.start();
  return { emulator, kinesis, logger };
}

/** Emulators started by {@link startTestEmulator} and not yet stopped through {@link stopTestEmulators}. */
const running = new Set<EventSourceMappingEmulator>();

/**
 * Stops every emulator a test started (call it in `afterEach`): a test that fails before its own
 * `emulator.stop()` must not leave one polling, which would keep Jest from exiting.
 */
export async function stopTestEmulators(): Promise<void> {
  const emulators = [...running];
  running.clear();
  await Promise.all(emulators.map((emulator) => emulator.stop().catch(() => undefined)));
}

/** Waits until `predicate` holds for an invocation report (past or future). */
export function invocationWhere(emulator: EventSourceMappingEmulator, predicate: (report: InvocationReport) => boolean, timeoutMs = 60_000): Promise<InvocationReport> {
  const seen = emulator.invocations.find(predicate);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      remove();
      reject(new Error(`no matching invocation within ${timeoutMs} ms`));
    }, timeoutMs);
    const remove = emulator.onInvocation((report) => {
      if (!predicate(report)) return;
      clearTimeout(timer);
      remove();
      resolve(report);
    });
  });
}

/** Sets the churn mock's faults (`PUT /admin/faults`). */
export async function setChurnFaults(stack: LocalStack, faults: Record<string, number>): Promise<void> {
  const response = await fetch(`${stack.endpoints.churnApi}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!response.ok) throw new Error(`PUT /admin/faults answered ${response.status}: ${await response.text()}`);
}

/**
 * Compacts every lane of the test's jobs stream now, with the production composition (as the
 * local runner does when it stops): afterwards the company items hold everything the lanes deferred.
 * Resolves how many lanes had deferred batches.
 */
export async function compactJobsLanes(stack: LocalStack, kinesis: KinesisClient, streams: { jobs: string; companies: string }): Promise<number> {
  const config = loadPipelineConfig({ json: localPropertyGroups(stack.endpoints), env: { JOBS_STREAM_NAME: streams.jobs, COMPANIES_STREAM_NAME: streams.companies } });
  const credentials = async () => stack.endpoints.credentials;
  const clients = createAwsClients(config, credentials);
  try {
    const processor = createBatchProcessor(config, clients, { logger: new MemoryLogger(), metrics: new InMemoryMetrics(), credentials });
    let compacted = 0;
    for (const shardId of await shardIds(kinesis, streams.jobs)) {
      if (await processor.compactIfDue(streams.jobs, shardId, { force: true })) compacted += 1;
    }
    return compacted;
  } finally {
    clients.kinesis.destroy();
    clients.s3.destroy();
    clients.dynamodb.destroy();
  }
}

/** Sum of a company's day buckets (the jobs counted in state). */
export async function countedJobs(probe: LocalPipelineProbe, companyID: string): Promise<number> {
  const state = await probe.companyState(companyID);
  return Object.values(state?.buckets ?? {}).reduce((sum, n) => sum + n, 0);
}

/** A local stack with both services, a probe on it, and how to stop both. */
export interface TestStack {
  readonly stack: LocalStack;
  readonly probe: LocalPipelineProbe;
  stop(): Promise<void>;
}

/** Starts the local stack with both services on free ports, its endpoints file in a fresh temporary folder. */
export async function startTestStack(tempPrefix: string): Promise<TestStack> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), tempPrefix));
  const stack = await startLocalStack({
    ports: { kinesis: 0, s3: 0, dynamodb: 0, tenantManager: 0, churnApi: 0 },
    services: { tenantManager: true, churnApi: true },
    endpointsFile: path.join(workDir, 'endpoints.json'),
  });
  const probe = new LocalPipelineProbe(stack.endpoints);
  return {
    stack,
    probe,
    stop: async () => {
      probe.destroy();
      await stack.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
