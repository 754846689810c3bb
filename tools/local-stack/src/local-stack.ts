import { REDACTED, type Logger } from '@tenant-analytics/domain';
import { DEFAULT_CREDENTIAL_CHAIN, EXTERNAL_KINESIS, LOCAL_CREDENTIALS, removeEndpointsFile, writeEndpointsFile, type LocalEndpoints } from '@tenant-analytics/local-endpoints';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clientConfig, type ClientEndpoints } from './client-config';
import { probeContainerEngine, requireContainerEngine } from './container-engine';
import { openContainerRuntime, type ContainerRuntime } from './container-runtime';
import { dynaliteSpec, kinesisSpec, s3rverSpec, type ComponentImage, type ComponentSpec, type DynaliteParams } from './emulators';
import { ComponentStartError, LocalStackError } from './errors';
import { stopOnParentExit } from './exit-hooks';
import {
  BACKEND_VARIABLE,
  CHURN_ENDPOINT_NAME,
  resolveLocalStackOptions,
  type LocalStackOptions,
  type ResolvedBackend,
  type ResolvedLocalStackOptions,
} from './local-stack-options';
import { spawnManaged, type ManagedProcess } from './managed-process';
import { pollUntil } from './poll';
import { LOOPBACK, onOwnPort, withPort } from './ports';
import { ensureBucket, ensureStateTable, ensureStreams, type StreamPlan } from './provision';
import type { ProvidedEndpoints } from './provided-endpoints';
import { HOST_LAYOUT, IMAGE_LAYOUT, type RuntimeLayout } from './runtime-layout';
import { SERVICES, serviceSpec, type ServiceName, type ServiceParams } from './services';

/** A child the stack runs, with how long it took from spawn to its first answer. */
export interface LocalStackProcess {
  /** `kinesis`, `s3`, `dynamodb`, `tenantManager` or `churnApi`. */
  readonly component: Component;
  /** Executable name, e.g. `kinesis (kinesis-local)`. */
  readonly name: string;
  /** The child's PID; for a container, the host PID of its init process. */
  readonly pid: number;
  readonly port: number;
  /** From spawn (or container creation) to its first answer. */
  readonly startupMs: number;
}

/** A running local stack. */
export interface LocalStack {
  /** Where the emulators and services run: `auto` resolved at start. */
  readonly backend: ResolvedBackend;
  /** What it serves; also written to the endpoints file. */
  readonly endpoints: LocalEndpoints;
  /** The children it runs right now. */
  readonly processes: readonly LocalStackProcess[];
  /** Stops every child (SIGTERM, then SIGKILL) or container, removes the endpoints file and a temp data dir. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops the Kinesis emulator and starts it again on the same port (waiting for it, a few tries,
   * while it is taken), for reliability tests.
   * Streams and records survive (kinesalite: LevelDB; kinesis-local: state persisted every second,
   * so records from the last second before the stop may be lost).
   */
  restartKinesis(): Promise<void>;
}

type Component = 'kinesis' | 's3' | 'dynamodb' | ServiceName;

const PROBE_INTERVAL_MS = 100;

/** How a child's port is chosen and retried: {@link withPort} for a start, {@link onOwnPort} for a restart. */
type PortPlacement = <T>(port: number, component: string, start: (port: number) => Promise<T>) => Promise<T>;

class RunningLocalStack implements LocalStack {
  private readonly options: ResolvedLocalStackOptions;
  private readonly logger: Logger;
  private readonly dataDir: string;
  private readonly ownsDataDir: boolean;
  /** Every child spawned and not yet stopped, ready or not. */
  private readonly owned = new Set<ManagedProcess>();
  private readonly ready = new Map<Component, LocalStackProcess & { readonly child: ManagedProcess }>();
  private readonly untrack: () => void;
  private started: LocalEndpoints | undefined;
  /** Set once the engine answered and the images are built (container backend only). */
  private containers: ContainerRuntime | undefined;
  private resolvedBackend: ResolvedBackend | undefined;
  private stopping: Promise<void> | undefined;
  private endpointsFileWritten = false;

  constructor(options: ResolvedLocalStackOptions) {
    this.options = options;
    this.logger = options.logger.child({ module: 'local-stack' });
    this.ownsDataDir = options.dataDir === undefined;
    this.dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'local-stack-'));
    this.untrack = stopOnParentExit(this);
  }

  get endpoints(): LocalEndpoints {
    if (this.started === undefined) throw new LocalStackError('The local stack has not started');
    return this.started;
  }

  get backend(): ResolvedBackend {
    if (this.resolvedBackend === undefined) throw new LocalStackError('The local stack has not started');
    return this.resolvedBackend;
  }

  private get layout(): RuntimeLayout {
    return this.containers === undefined ? HOST_LAYOUT : IMAGE_LAYOUT;
  }

  get processes(): readonly LocalStackProcess[] {
    return [...this.ready.values()].map(({ component, name, pid, port, startupMs }) => ({ component, name, pid, port, startupMs }));
  }

  async start(): Promise<void> {
    if (this.options.provided !== undefined) return this.startOnProvided(this.options.provided);
    const { ports, names, region } = this.options;
    await this.openBackend();
    const [kinesis, s3, dynamodb] = await settleAll([
      this.startKinesis(ports.kinesis),
      this.startChild('s3', ports.s3, (port) => s3rverSpec({ port, dataDir: this.subDir('s3rver'), bucket: names.bucket }, this.layout), (url) =>
        this.probeS3(url),
      ),
      this.startChild('dynamodb', ports.dynamodb, (port) => dynaliteSpec(this.dynaliteParams(port), this.layout), (url) => this.probeDynamoDb(url)),
    ]);
    const endpoints: LocalEndpoints = {
      region,
      credentials: { ...LOCAL_CREDENTIALS },
      kinesis,
      s3,
      dynamodb,
      bucket: names.bucket,
      streams: { jobs: names.jobs, companies: names.companies, enriched: names.enriched },
      stateTable: names.stateTable,
      kinesisBackend: this.options.kinesisBackend,
    };
    await settleAll([this.provisionStreams(endpoints), this.provisionTable(endpoints)]);
    const [tenantManager, churnApi] = await settleAll([this.startService('tenantManager', endpoints), this.startService('churnApi', endpoints)]);
    if (tenantManager !== undefined) endpoints.tenantManager = tenantManager;
    if (churnApi !== undefined) {
      endpoints.churnApi = churnApi;
      endpoints.churnEndpointName = CHURN_ENDPOINT_NAME;
    }
    this.publish(endpoints);
  }

  /**
   * `--endpoints <file>`: no emulator; creates what the pipeline needs on the given endpoints when
   * missing (each step idempotent), starts the services the file does not name, as child processes.
   */
  private async startOnProvided(provided: ProvidedEndpoints): Promise<void> {
    if (process.env[BACKEND_VARIABLE] === 'containers') {
      this.logger.info(`${BACKEND_VARIABLE}=containers has no emulator to run with provided endpoints: the services run as child processes`, { file: provided.file });
    }
    this.resolvedBackend = 'processes';
    const defaultChain = provided.credentials === DEFAULT_CREDENTIAL_CHAIN;
    const endpoints: LocalEndpoints = {
      region: provided.region,
      // Churn signing keys (and the SDK's keys unless awsCredentials says default-chain).
      credentials: defaultChain ? { ...LOCAL_CREDENTIALS } : { ...provided.credentials },
      ...(defaultChain ? { awsCredentials: DEFAULT_CREDENTIAL_CHAIN } : {}),
      kinesis: provided.kinesis,
      s3: provided.s3,
      dynamodb: provided.dynamodb,
      bucket: provided.bucket,
      streams: { ...provided.streams },
      stateTable: provided.stateTable,
      kinesisBackend: EXTERNAL_KINESIS,
    };
    const plan: StreamPlan[] = [
      { name: provided.streams.jobs, shards: provided.shards.jobs },
      { name: provided.streams.companies, shards: provided.shards.companies },
      { name: provided.streams.enriched, shards: provided.shards.enriched },
    ];
    const { startTimeoutMs } = this.options;
    try {
      await settleAll([
        withClient(new KinesisClient(clientConfig(endpoints, 'kinesis')), (kinesis) => ensureStreams(kinesis, plan, startTimeoutMs, this.logger)),
        withClient(new S3Client(clientConfig(endpoints, 's3')), (s3) => ensureBucket(s3, provided.bucket, provided.region)),
        withClient(new DynamoDBClient(clientConfig(endpoints, 'dynamodb')), (dynamodb) => ensureStateTable(dynamodb, provided.stateTable, startTimeoutMs)),
      ]);
    } catch (error) {
      throw new ComponentStartError(
        `Could not create the streams, bucket and table on the endpoints of ${provided.file} (Kinesis ${provided.kinesis}, S3 ${provided.s3}, DynamoDB ${provided.dynamodb}): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        { cause: error, context: { file: provided.file } },
      );
    }
    const services = { awsCredentials: provided.credentials, churnCredentials: endpoints.credentials };
    const [tenantManager, churnApi] = await settleAll([
      provided.tenantManager ?? this.startService('tenantManager', endpoints, services),
      provided.churnApi ?? this.startService('churnApi', endpoints, services),
    ]);
    if (tenantManager !== undefined) endpoints.tenantManager = tenantManager;
    if (churnApi !== undefined) {
      endpoints.churnApi = churnApi;
      endpoints.churnEndpointName = provided.churnApi === undefined ? CHURN_ENDPOINT_NAME : provided.churnEndpointName;
    }
    this.publish(endpoints);
  }

  /** Writes the endpoints file and remembers the endpoints: the stack is up. */
  private publish(endpoints: LocalEndpoints): void {
    this.assertRunning();
    if (this.options.endpointsFile !== false) {
      writeEndpointsFile(this.options.endpointsFile, endpoints);
      this.endpointsFileWritten = true;
    }
    this.started = endpoints;
    this.logger.info('local stack ready', { backend: this.backend, endpoints: { ...endpoints, credentials: { accessKeyId: endpoints.credentials.accessKeyId, secretAccessKey: REDACTED } }, processes: this.processes });
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /**
   * Resolves `auto` (containers when an engine answers) and, for containers, sweeps what dead
   * supervisors left, builds missing images and creates the stack's network.
   *
   * @throws ContainerEngineUnavailableError for `containers` without an engine
   */
  private async openBackend(): Promise<void> {
    const requested = this.options.backend;
    if (requested === 'processes') {
      this.resolvedBackend = 'processes';
      return;
    }
    let client;
    if (requested === 'containers') {
      client = await requireContainerEngine();
    } else {
      const probe = await probeContainerEngine();
      if (!probe.ok) {
        this.logger.info('backend auto: child processes', { reason: probe.reason });
        this.resolvedBackend = 'processes';
        return;
      }
      client = probe.client;
    }
    this.assertRunning();
    this.containers = await openContainerRuntime(client, this.imagesNeeded(), this.logger);
    this.resolvedBackend = 'containers';
    this.logger.info('backend: containers', { session: this.containers.sessionId });
  }

  private imagesNeeded(): ComponentImage[] {
    const { kinesisBackend, services } = this.options;
    const images: ComponentImage[] = [kinesisBackend, 's3rver', 'dynalite'];
    if (services.tenantManager !== false) images.push('tenant-manager-mock');
    if (services.churnApi !== false) images.push('churn-mock');
    return images;
  }

  stopNow(): void {
    for (const child of this.owned) child.killNow();
    this.removeFiles();
  }

  async restartKinesis(): Promise<void> {
    this.assertRunning();
    if (this.options.provided !== undefined) throw new LocalStackError(`No Kinesis emulator to restart: the stack serves the endpoints of ${this.options.provided.file}`);
    const current = this.ready.get('kinesis');
    if (current === undefined) throw new LocalStackError('The local stack has not started');
    this.ready.delete('kinesis');
    await this.stopChild(current.child);
    // On the same port (clients hold the URL), waiting for it while it is taken.
    const url = await this.startKinesis(current.port, onOwnPort);
    await this.provisionStreams({ ...this.endpoints, kinesis: url });
    this.logger.info('kinesis restarted', { url });
  }

  private async stopAll(): Promise<void> {
    const isService = (child: ManagedProcess): boolean => Object.values(SERVICES).some(({ name }) => name === child.name);
    // Services first: they talk to the emulators.
    await Promise.all([...this.owned].filter(isService).map((child) => this.stopChild(child)));
    await Promise.all([...this.owned].map((child) => this.stopChild(child)));
    this.ready.clear();
    await this.containers?.close();
    this.removeFiles();
    this.untrack();
    this.logger.info('local stack stopped');
  }

  private async stopChild(child: ManagedProcess): Promise<void> {
    await child.stop();
    this.owned.delete(child);
  }

  private removeFiles(): void {
    if (this.endpointsFileWritten && this.options.endpointsFile !== false) removeEndpointsFile(this.options.endpointsFile);
    this.endpointsFileWritten = false;
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private assertRunning(): void {
    if (this.stopping !== undefined) throw new LocalStackError('The local stack was stopped while starting');
  }

  private subDir(name: string): string {
    const dir = path.join(this.dataDir, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  private dynaliteParams(port: number): DynaliteParams {
    return this.options.dynamodbStorage === 'disk' ? { port, storage: 'disk', dataDir: this.subDir('dynalite') } : { port, storage: 'memory' };
  }

  private startKinesis(requestedPort: number, place: PortPlacement = withPort): Promise<string> {
    const backend = this.options.kinesisBackend;
    return this.startChild(
      'kinesis',
      requestedPort,
      (port) => kinesisSpec(backend, { port, region: this.options.region, dataDir: this.subDir(backend) }, this.layout),
      (url) => this.probeKinesis(url),
      place,
    );
  }

  private async startService(service: ServiceName, endpoints: LocalEndpoints, credentials: Pick<ServiceParams, 'awsCredentials' | 'churnCredentials'> = {}): Promise<string | undefined> {
    const extraArgs = this.options.services[service];
    if (extraArgs === false) return undefined;
    // A container reaches Kinesis by its name on the stack's network, on the same port.
    const kinesisPort = this.ready.get('kinesis')?.port;
    const kinesisEndpoint = this.containers !== undefined && kinesisPort !== undefined ? `http://kinesis:${kinesisPort}` : endpoints.kinesis;
    const specAt = (port: number): ComponentSpec =>
      serviceSpec(service, { port, region: endpoints.region, kinesisEndpoint, companiesStream: endpoints.streams.companies, extraArgs, ...credentials }, this.layout);
    return this.startChild(service, this.options.ports[service], specAt, async (url) => {
      const response = await fetch(`${url}${SERVICES[service].readyPath}`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return response.status === 200;
    });
  }

  /**
   * Spawns one child on a port and polls `probe` until it answers. A child that exits first fails
   * the start with its last output; if that was EADDRINUSE, `place` decides what is tried next
   * (by default another port, when we picked it).
   */
  private startChild(
    component: Component,
    requestedPort: number,
    specAt: (port: number) => ComponentSpec,
    probe: (url: string) => Promise<boolean>,
    place: PortPlacement = withPort,
  ): Promise<string> {
    return place(requestedPort, component, async (port) => {
      this.assertRunning();
      const spec = specAt(port);
      const url = `http://${LOOPBACK}:${port}`;
      const startedAt = performance.now();
      const child = this.containers === undefined ? spawnManaged(spec, this.logger) : await this.containers.start(spec, { port, alias: component }, this.logger);
      this.owned.add(child);
      const timeoutMs = this.options.startTimeoutMs;
      const outcome = await pollUntil(() => probe(url), { timeoutMs, intervalMs: PROBE_INTERVAL_MS, interrupt: child.exit });
      if (!outcome.done) {
        await this.stopChild(child);
        const exit = await child.exit;
        const tail = child.outputTail();
        const what =
          outcome.reason === 'interrupted'
            ? `exited (code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'}) before answering on ${url}`
            : `did not answer on ${url} within ${timeoutMs} ms`;
        throw new ComponentStartError(`${spec.name} ${what}. Last output:\n${tail || '(none)'}`, {
          cause: outcome.lastError,
          context: { component: spec.name, port, outputTail: tail },
          retriable: outcome.reason === 'interrupted' && tail.includes('EADDRINUSE'),
        });
      }
      const startupMs = Math.round(performance.now() - startedAt);
      this.ready.set(component, { component, name: spec.name, pid: child.pid, port, startupMs, child });
      this.logger.info('child ready', { component: spec.name, url, pid: child.pid, startupMs });
      return url;
    });
  }

  /** Probe clients: one attempt and short timeouts, so that a server still starting is simply polled again. */
  private probeConfig(url: string): { readonly endpoints: ClientEndpoints; readonly probe: { maxAttempts: number; requestHandler: NodeHttpHandler } } {
    return {
      endpoints: { region: this.options.region, credentials: LOCAL_CREDENTIALS, kinesis: url, s3: url, dynamodb: url },
      probe: { maxAttempts: 1, requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 5_000 }) },
    };
  }

  private probeKinesis(url: string): Promise<boolean> {
    const { endpoints, probe } = this.probeConfig(url);
    return withClient(new KinesisClient({ ...clientConfig(endpoints, 'kinesis'), ...probe }), async (client) => {
      await client.send(new ListStreamsCommand({}));
      return true;
    });
  }

  private probeS3(url: string): Promise<boolean> {
    const { endpoints, probe } = this.probeConfig(url);
    return withClient(new S3Client({ ...clientConfig(endpoints, 's3'), ...probe }), async (client) => {
      const { Buckets: buckets = [] } = await client.send(new ListBucketsCommand({}));
      // s3rver listens before it has created the configured bucket.
      return buckets.some(({ Name }) => Name === this.options.names.bucket);
    });
  }

  private probeDynamoDb(url: string): Promise<boolean> {
    const { endpoints, probe } = this.probeConfig(url);
    return withClient(new DynamoDBClient({ ...clientConfig(endpoints, 'dynamodb'), ...probe }), async (client) => {
      await client.send(new ListTablesCommand({}));
      return true;
    });
  }

  private provisionStreams(endpoints: LocalEndpoints): Promise<void> {
    const { names, shards, startTimeoutMs } = this.options;
    const plan = [
      { name: names.jobs, shards: shards.jobs },
      { name: names.companies, shards: shards.companies },
      { name: names.enriched, shards: shards.enriched },
    ];
    return withClient(new KinesisClient(clientConfig(endpoints, 'kinesis')), (kinesis) => ensureStreams(kinesis, plan, startTimeoutMs, this.logger));
  }

  private provisionTable(endpoints: LocalEndpoints): Promise<void> {
    const { names, startTimeoutMs } = this.options;
    return withClient(new DynamoDBClient(clientConfig(endpoints, 'dynamodb')), (dynamodb) => ensureStateTable(dynamodb, names.stateTable, startTimeoutMs));
  }
}

/**
 * Uses a client once and destroys it: an idle keep-alive connection would make kinesis-local wait
 * 30 s on SIGTERM.
 */
async function withClient<C extends { destroy(): void }, T>(client: C, use: (client: C) => Promise<T>): Promise<T> {
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** Like Promise.all, but waits for every promise, so that nothing is still starting when we give up. */
async function settleAll<T extends readonly unknown[] | []>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  await Promise.allSettled(promises);
  return Promise.all(promises);
}

/**
 * Starts Kinesis (kinesis-local or kinesalite), S3 (s3rver) and DynamoDB (dynalite) as child
 * processes on 127.0.0.1, waits until each answers, creates the three streams (ACTIVE), the bucket
 * and the state table, optionally starts our two mock services, and writes the endpoints file.
 * With `provided` endpoints (LocalStack, moto, AWS) it starts no emulator and creates the streams,
 * bucket and table there when missing instead.
 * On any failure it stops what it started; it also stops on the parent's exit, SIGINT or SIGTERM.
 *
 * @throws LocalStackConfigError for a bad option (naming the key)
 * @throws ComponentStartError when a child does not start, with its last output lines
 * @example
 * const stack = await startLocalStack({ ports: { kinesis: 0, s3: 0, dynamodb: 0 }, endpointsFile: false });
 * const kinesis = new KinesisClient(clientConfig(stack.endpoints, 'kinesis'));
 * // …
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stack = new RunningLocalStack(resolveLocalStackOptions(options));
  try {
    await stack.start();
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}
