import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { countedJobs, sleep, SILENT_LOGGER, type EnrichedCompany } from '@tenant-analytics/domain';
import { companyIdsUpTo, seedCompanies, sendJobEvents } from '@tenant-analytics/job-producer';
import { readEndpointsFile, readProvidedEndpoints, REPO_ROOT, spawnManaged, startLocalStack, startMotoServer, type ManagedProcess, type MotoServer } from '@tenant-analytics/local-stack';
import { listKeys, LocalPipelineProbe, RUNNER_READY_MESSAGE, RUNNER_STOPPED_MESSAGE, spawnLocalRunner, waitUntilDrained } from '@tenant-analytics/pipeline-harness';

const SERVE_MOCKS = path.join(REPO_ROOT, 'tools/mocks/src/main.ts');
/** Keys the stack passes to moto (which accepts any), the tenant manager, and the churn mock's SigV4 check. */
const KEYS = { accessKeyId: 'testing', secretAccessKey: 'testing-secret' };
const SEEDED_COMPANIES = 8;
/** Events go to twice as many companies as seeded: the others are looked up in the tenant manager. */
const EVENT_COMPANIES = 16;
const JOB_EVENTS = 120;

/** `serve mocks` as a user runs it (`node --import tsx tools/mocks/src/main.ts …`), in its own process group. */
function spawnServeMocks(args: readonly string[]): ManagedProcess {
  return spawnManaged(
    { name: 'serve mocks', command: process.execPath, args: ['--import', 'tsx', SERVE_MOCKS, '--no-live-view', ...args], cwd: REPO_ROOT, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    SILENT_LOGGER,
  );
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number, process?: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (process?.hasExited()) throw new Error(`${process.name} exited while waiting for ${what}. Last output:\n${process.outputTail()}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${process === undefined ? '' : `. Last output:\n${process.outputTail()}`}`);
    await sleep(200);
  }
}

const byCompany = (records: readonly EnrichedCompany[]): Map<string, EnrichedCompany[]> => {
  const groups = new Map<string, EnrichedCompany[]>();
  for (const record of records) groups.set(record.companyID, [...(groups.get(record.companyID) ?? []), record]);
  return groups;
};

describe('serve mocks --endpoints on moto_server (a second, independent AWS implementation)', () => {
  let moto: MotoServer;
  let dir: string;
  const started: ManagedProcess[] = [];

  beforeAll(async () => {
    // Fails (never skips) when moto_server is not installed, naming what to install.
    moto = await startMotoServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'moto-endpoints-'));
  });

  afterAll(async () => {
    await Promise.all(started.map((child) => child.stop()));
    await moto?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a missing endpoints file, naming it, and starts nothing', () => {
    // Prepare
    const missing = path.join(dir, 'missing.json');

    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', SERVE_MOCKS, '--no-live-view', '--endpoints', missing, '--endpoints-file', path.join(dir, 'never.json')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 60_000,
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`The endpoints file ${missing} does not exist`);
    expect(existsSync(path.join(dir, 'never.json'))).toBe(false);
  });

  it('creates the streams, bucket and table on moto, and the local runner enriches job events end to end', async () => {
    // Prepare: an endpoints file with one shared endpoint, as for LocalStack's edge port.
    const providedFile = path.join(dir, 'moto.json');
    const endpointsFile = path.join(dir, 'endpoints.json');
    writeFileSync(providedFile, JSON.stringify({ region: 'us-west-2', endpoint: moto.url, credentials: KEYS, bucket: 'byo-moto-test', stateTable: 'byo-moto-state' }));
    const mocks = spawnServeMocks(['--endpoints', providedFile, '--endpoints-file', endpointsFile, '--tenant-manager-port', '0', '--churn-api-port', '0']);
    started.push(mocks);
    await waitFor(() => existsSync(endpointsFile), 'the endpoints file', 90_000, mocks);
    const endpoints = readEndpointsFile(endpointsFile);
    const runner = spawnLocalRunner(endpointsFile);
    const probe = new LocalPipelineProbe(endpoints);
    try {
      await waitFor(() => runner.output().includes(`"msg":"${RUNNER_READY_MESSAGE}"`) || runner.child.exitCode !== null, 'the processor', 90_000);
      expect(runner.output()).toContain(`"msg":"${RUNNER_READY_MESSAGE}"`);

      // Act: company snapshots, then job events from the job producer.
      const seeded = await seedCompanies({ streamName: endpoints.streams.companies, size: SEEDED_COMPANIES }, { kinesis: probe.kinesis });
      await waitUntilDrained(probe, { streams: [endpoints.streams.companies], timeoutMs: 60_000 });
      const sent = await sendJobEvents(
        {
          streamName: endpoints.streams.jobs,
          count: JOB_EVENTS,
          ratePerSecond: 200,
          companyIds: companyIdsUpTo(EVENT_COMPANIES),
          runId: `moto-${Date.now()}`,
          seed: 15,
          invalidRatio: 0,
          duplicateRatio: 0,
          outOfOrderRatio: 0,
        },
        { kinesis: probe.kinesis },
      );
      await waitUntilDrained(probe, { timeoutMs: 120_000, expected: { enriched: sent.valid, deadLetters: 0 } });
      // A drain compacts the lanes into the company items, which the state checks read.
      runner.child.kill('SIGTERM');
      const exit = await runner.exited;
      const [inS3, onStream, deadLetters] = await Promise.all([probe.enrichedInS3(), probe.enrichedOnStream(), probe.deadLetters()]);

      // Assess: what serve mocks wrote.
      expect(endpoints).toMatchObject({ region: 'us-west-2', kinesis: moto.url, s3: moto.url, dynamodb: moto.url, credentials: KEYS, kinesisBackend: 'external', bucket: 'byo-moto-test', stateTable: 'byo-moto-state' });
      expect(endpoints.awsCredentials).toBeUndefined();
      expect(endpoints.tenantManager).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints.churnApi).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(mocks.outputTail()).toContain(`Local stack ready on the endpoints of ${providedFile}`);
      // The producer and the processor.
      expect(seeded.accepted).toBe(SEEDED_COMPANIES);
      expect(sent).toMatchObject({ accepted: JOB_EVENTS, valid: JOB_EVENTS });
      expect(exit.code).toBe(0);
      expect(runner.output()).toContain(`"msg":"${RUNNER_STOPPED_MESSAGE}"`);
      // Every event enriched exactly once in S3, on the output stream, none dead-lettered.
      const eventIds = new Set(inS3.map(({ eventID }) => eventID));
      expect(inS3).toHaveLength(JOB_EVENTS);
      expect(eventIds.size).toBe(JOB_EVENTS);
      expect(new Set(onStream.map(({ eventID }) => eventID))).toEqual(eventIds);
      expect(deadLetters).toEqual([]);
      // Scored by the churn mock, which checked the SigV4 signature made with the file's keys.
      for (const record of inS3) expect(typeof record.churnProbability).toBe('number');
      // The state table: each company's counted jobs are its events' jobs; its last output's job30 is the baseline plus them.
      const companies = byCompany(inS3);
      expect([...companies.keys()].sort()).toEqual(companyIdsUpTo(EVENT_COMPANIES).filter((id) => companies.has(id)).sort());
      const sources = new Set<string | undefined>();
      for (const [companyID, records] of companies) {
        const state = await probe.companyState(companyID);
        if (state === undefined || state.profile === undefined) throw new Error(`no state item with a profile for ${companyID}`);
        sources.add(state.profileSource);
        const jobs = records.reduce((sum, { nbJobs }) => sum + nbJobs, 0);
        expect({ companyID, counted: countedJobs(state) }).toEqual({ companyID, counted: jobs });
        expect({ companyID, job30: Math.max(...records.map(({ job30 }) => job30)) }).toEqual({ companyID, job30: state.profile.job30 + jobs });
      }
      // Seeded companies came from their snapshots, the others from the tenant manager started by serve mocks.
      expect(sources).toEqual(new Set(['snapshot', 'lookup']));
    } finally {
      if (runner.child.exitCode === null && runner.child.signalCode === null) runner.child.kill('SIGKILL');
      probe.destroy();
    }

    // Stopping serve mocks stops its services and removes the endpoints file.
    await mocks.stop(20_000);
    expect((await mocks.exit).code).toBe(0);
    expect(existsSync(endpointsFile)).toBe(false);
  });

  it('finds what an earlier start created and changes nothing (creation is idempotent)', async () => {
    // Prepare: a stack started on the same endpoints by the previous test left streams, objects and items.
    const provided = readProvidedEndpoints(path.join(dir, 'moto.json'));
    const before = new LocalPipelineProbe({ ...readEndpointsFileShape(provided) });
    const keysBefore = await listKeys(before, '');

    // Act
    const stack = await startLocalStack({ provided, endpointsFile: false });
    const probe = new LocalPipelineProbe(stack.endpoints);
    try {
      const keysAfter = await listKeys(probe, '');
      const jobs = await probe.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: provided.streams.jobs }));

      // Assess
      expect(stack.processes).toEqual([]);
      expect(keysBefore.length).toBeGreaterThan(0);
      expect(keysAfter).toEqual(keysBefore);
      expect(jobs.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 2 });
      expect(await waitUntilDrained(probe, { timeoutMs: 10_000 })).toMatchObject({ lanes: expect.arrayContaining([expect.objectContaining({ stream: provided.streams.jobs, caughtUp: true })]) });
    } finally {
      probe.destroy();
      before.destroy();
      await stack.stop();
    }
  });
});

/** The endpoints a stack on `provided` serves, without starting one (to read what is there before). */
function readEndpointsFileShape(provided: ReturnType<typeof readProvidedEndpoints>): ConstructorParameters<typeof LocalPipelineProbe>[0] {
  if (provided.credentials === 'default-chain') throw new Error('the test uses keys');
  return {
    region: provided.region,
    credentials: provided.credentials,
    kinesis: provided.kinesis,
    s3: provided.s3,
    dynamodb: provided.dynamodb,
    bucket: provided.bucket,
    streams: provided.streams,
    stateTable: provided.stateTable,
    kinesisBackend: 'external',
  };
}
