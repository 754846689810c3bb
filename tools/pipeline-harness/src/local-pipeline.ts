import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { companyStateKey, companyStateSchema, sleep, type CompanyStateRecord, type DeadLetter, type EnrichedCompany } from '@tenant-analytics/domain';
import { clientConfig, holdLifeline, lifelineSpawn, REPO_ROOT, type LocalEndpoints } from '@tenant-analytics/local-stack';
import { readDeadLetters, readEnrichedInS3, readOutputStream } from './sink-reader';

/**
 * Reads and writes the local stack like a user's tools would (SDK clients over the emulators'
 * protocols): puts records, reads the S3 sink, dead letters, the output stream and company state.
 * Used by integration tests, the demo, benchmarks and the reliability suite.
 */
export class LocalPipelineProbe {
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;

  constructor(readonly endpoints: LocalEndpoints) {
    this.kinesis = new KinesisClient(clientConfig(endpoints, 'kinesis'));
    this.s3 = new S3Client(clientConfig(endpoints, 's3'));
    this.dynamodb = new DynamoDBClient(clientConfig(endpoints, 'dynamodb'));
  }

  /** Puts records (partition key = companyID, or `key` for raw payloads) in order, one call. */
  async put(stream: string, payloads: readonly (string | { readonly companyID: string; readonly [field: string]: unknown })[]): Promise<void> {
    const response = await this.kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: payloads.map((payload) => ({
          Data: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
          PartitionKey: typeof payload === 'string' ? payload.split(',')[0] || 'key' : payload.companyID,
        })),
      }),
    );
    if ((response.FailedRecordCount ?? 0) > 0) throw new Error(`${response.FailedRecordCount} records rejected`);
  }

  /** Every enriched record in the S3 sink (all objects, all lines), at any volume. */
  enrichedInS3(): Promise<EnrichedCompany[]> {
    return readEnrichedInS3(this);
  }

  /** Every dead letter, at any volume. */
  deadLetters(): Promise<DeadLetter[]> {
    return readDeadLetters(this);
  }

  /** Every record on the enriched stream so far (all shards from the start, repeats included), at any volume. */
  enrichedOnStream(): Promise<EnrichedCompany[]> {
    return readOutputStream(this);
  }

  async companyState(companyID: string): Promise<CompanyStateRecord | undefined> {
    const { pk, sk } = companyStateKey(companyID);
    const key = { pk: { S: pk }, sk: { S: sk } };
    const item = (await this.dynamodb.send(new GetItemCommand({ TableName: this.endpoints.stateTable, Key: key, ConsistentRead: true }))).Item;
    return item === undefined ? undefined : companyStateSchema.parse(JSON.parse(item['state']?.S ?? ''));
  }

  destroy(): void {
    this.kinesis.destroy();
    this.s3.destroy();
    this.dynamodb.destroy();
  }
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` with the last reason. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

/**
 * The local runner as a separate process, as `nx serve processor` runs it: `node --import tsx`, so
 * the child is the processor itself (the tsx CLI would put a wrapper in front that relays signals
 * and SIGKILLs a child slow to acknowledge one, cutting a drain short). It has the local stack's
 * supervisor lifeline: when this process dies, however, the runner is SIGKILLed at once rather
 * than left polling a stack that is gone.
 */
export function spawnLocalRunner(endpointsFile: string, env: Record<string, string> = {}, extraArgs: readonly string[] = []): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; output: () => string } {
  let output = '';
  const lifeline = lifelineSpawn(['ignore', 'pipe', 'pipe']);
  // The processor's young generation, as deployed (apps/infra PROCESSOR_NODE_OPTIONS, and `nx serve processor`).
  const child = spawn(process.execPath, [...lifeline.execArgs, '--max-semi-space-size=64', '--import', 'tsx', path.join(REPO_ROOT, 'apps/processor/src/local-runner.ts'), '--endpoints-file', endpointsFile, ...extraArgs], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'info', RUNNER_POLL_INTERVAL_MS: '100', ...env, ...lifeline.env },
    stdio: lifeline.stdio,
  });
  holdLifeline(child);
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}
