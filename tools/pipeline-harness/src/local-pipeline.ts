import { spawn, type ChildProcess } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  companyStateKey,
  companyStateSchema,
  deadLetterSchema,
  enrichedCompanySchema,
  type CompanyStateRecord,
  type DeadLetter,
  type EnrichedCompany,
} from '@tenant-analytics/domain';
import { clientConfig, REPO_ROOT, type LocalEndpoints } from '@tenant-analytics/local-stack';

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

  private async objects(prefix: string): Promise<{ key: string; body: Buffer }[]> {
    const found: { key: string; body: Buffer }[] = [];
    let token: string | undefined;
    do {
      const list = await this.s3.send(new ListObjectsV2Command({ Bucket: this.endpoints.bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
      for (const object of list.Contents ?? []) {
        const body = await this.s3.send(new GetObjectCommand({ Bucket: this.endpoints.bucket, Key: object.Key }));
        found.push({ key: object.Key ?? '', body: Buffer.from((await body.Body?.transformToByteArray()) ?? []) });
      }
      token = list.NextContinuationToken;
    } while (token !== undefined);
    return found;
  }

  /** Every enriched record in the S3 sink (all objects, all lines). */
  async enrichedInS3(): Promise<EnrichedCompany[]> {
    const objects = await this.objects('churn/data/');
    return objects.flatMap(({ body }) =>
      gunzipSync(body)
        .toString('utf8')
        .trim()
        .split('\n')
        .map((line) => enrichedCompanySchema.parse(JSON.parse(line))),
    );
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return (await this.objects('dead-letters/')).map(({ body }) => deadLetterSchema.parse(JSON.parse(body.toString('utf8'))));
  }

  /** Every record on the enriched stream so far (all shards, from the start). */
  async enrichedOnStream(): Promise<EnrichedCompany[]> {
    const stream = this.endpoints.streams.enriched;
    const shards = (await this.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    const records: EnrichedCompany[] = [];
    for (const shard of shards) {
      let iterator = (await this.kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      for (let round = 0; iterator !== undefined && round < 50; round++) {
        const page = await this.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        for (const record of page.Records ?? []) records.push(enrichedCompanySchema.parse(JSON.parse(Buffer.from(record.Data ?? []).toString('utf8'))));
        if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
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
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The local runner as a separate process, as `nx serve processor` runs it: `node --import tsx`, so
 * the child is the processor itself (the tsx CLI would put a wrapper in front that relays signals
 * and SIGKILLs a child slow to acknowledge one, cutting a drain short).
 */
export function spawnLocalRunner(endpointsFile: string, env: Record<string, string> = {}, extraArgs: readonly string[] = []): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'apps/processor/src/local-runner.ts'), '--endpoints-file', endpointsFile, ...extraArgs], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'info', RUNNER_POLL_INTERVAL_MS: '100', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}
