import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadChurnModel, scoreCompany } from '@tenant-analytics/churn-model';
import { generateCompany, loadPipelineConfig, rememberedEventCount, sleep } from '@tenant-analytics/domain';
import { startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { InMemoryMetrics } from '../../src/adapters/in-memory-metrics';
import { KinesisShardReader } from '../../src/adapters/kinesis-shard-reader';
import { createAwsClients, createBatchProcessor } from '../../src/composition';
import { DAY_MS } from '../../src/core/company-state';
import { localPropertyGroups } from '../../src/local-config';
import { ShardLanesRunner } from '../../src/runner/shard-lanes-runner';
import { MemoryLogger } from '../../src/testing/in-memory-adapters';
import { LocalPipelineProbe, eventually, spawnLocalRunner } from '@tenant-analytics/pipeline-harness';

/**
 * The processor against the real local stack: kinesis-local, s3rver and dynalite as child
 * processes, and both mock services over HTTP (tenant manager with the seed-42 data set, churn
 * API serving the trained model, SigV4-checked).
 */
describe('processor on the local stack', () => {
  let stack: LocalStack;
  let probe: LocalPipelineProbe;
  let workDir: string;
  const model = loadChurnModel();

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'processor-int-'));
    stack = await startLocalStack({
      ports: { kinesis: 0, s3: 0, dynamodb: 0, tenantManager: 0, churnApi: 0 },
      services: { tenantManager: true, churnApi: true },
      endpointsFile: path.join(workDir, 'endpoints.json'),
    });
    probe = new LocalPipelineProbe(stack.endpoints);
  });

  afterAll(async () => {
    probe?.destroy();
    await stack?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** Job events `<tag>-<n>` for `companies` companies from `comp_<first>` on, with producer ids. */
  function jobEvents(tag: string, count: number, first: number, companies: number) {
    return Array.from({ length: count }, (_, n) => ({
      companyID: `comp_${first + (n % companies)}`,
      userID: `user_${n % 7}`,
      nbJobs: 1 + (n % 5),
      creationDate: new Date(Date.now() - (n % 3) * 3_600_000).toISOString(),
      eventID: `${tag}-${n}`,
    }));
  }

  /** Waits until every event of `tag` is in S3, then stops `runner` with SIGTERM (a drain); resolves those records. */
  async function drainAfterAllInS3(runner: ReturnType<typeof spawnLocalRunner>, tag: string, count: number) {
    const records = await eventually(async () => {
      const found = (await probe.enrichedInS3()).filter((record) => record.eventID.startsWith(`${tag}-`));
      return found.length >= count ? found : undefined;
    }, 90_000, `all ${count} ${tag} events in S3`).catch((error: unknown) => {
      // A failed wait must not leave the runner polling (Jest would never exit). The error comes
      // last, after the runner's output: a log that keeps only the end of a failure still shows it.
      runner.child.kill('SIGKILL');
      throw new Error(`the runner's last output:\n${runner.output().slice(-2000)}\n${String(error)}`);
    });
    runner.child.kill('SIGTERM');
    expect(await runner.exited).toEqual({ code: 0, signal: null });
    return records;
  }

  /** Every event once in `records`, and each company's counters equal to a recomputation from the inputs. */
  async function expectCountedOnce(events: readonly { companyID: string; nbJobs: number; eventID: string }[], records: readonly { eventID: string }[]) {
    expect(records).toHaveLength(events.length);
    expect(new Set(records.map((record) => record.eventID)).size).toBe(events.length);
    const submitted = new Map<string, number>();
    for (const event of events) submitted.set(event.companyID, (submitted.get(event.companyID) ?? 0) + event.nbJobs);
    for (const [companyID, total] of submitted) {
      const state = await probe.companyState(companyID);
      expect({ companyID, counted: Object.values(state?.buckets ?? {}).reduce((sum, n) => sum + n, 0) }).toEqual({ companyID, counted: total });
    }
  }

  it('enriches, dedupes and dead-letters a scripted scenario exactly as specified', async () => {
    // Prepare: the pipeline in-process, reading both streams from the start
    const config = loadPipelineConfig({ json: localPropertyGroups(stack.endpoints), env: { RUNNER_POLL_INTERVAL_MS: '100' } });
    const credentials = async () => stack.endpoints.credentials;
    const clients = createAwsClients(config, credentials);
    const metrics = new InMemoryMetrics();
    const logger = new MemoryLogger();
    const processor = createBatchProcessor(config, clients, { logger, metrics, credentials });
    const runner = new ShardLanesRunner(
      { streams: [{ name: 'bigdatajobs', initialPosition: { type: 'TRIM_HORIZON' } }, { name: 'companies', initialPosition: { type: 'TRIM_HORIZON' } }], pollIntervalMs: 100, getRecordsLimit: 1000 },
      new KinesisShardReader(clients.kinesis),
      processor,
      logger,
      metrics,
    );
    await runner.start();

    // A profile snapshot for comp_1; comp_2 is left to a tenant-manager lookup.
    const base = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS + 12 * 3_600_000; // yesterday 12:00 UTC
    const iso = (ms: number) => new Date(ms).toISOString();
    const snapshot = { ...generateCompany(42, 1), job30: 10, job90: 40, asOf: iso(base - 2 * DAY_MS) };
    await probe.put('companies', [snapshot]);
    await eventually(async () => ((await probe.companyState('comp_1'))?.profile?.job30 === 10 ? true : undefined), 30_000, 'the comp_1 snapshot in state');

    // Act: job events, in this order (comp_1's share one shard, so they apply in this order)
    await probe.put('bigdatajobs', [
      { companyID: 'comp_1', userID: 'user_1', nbJobs: 2, creationDate: iso(base), eventID: 'it-e1' },
      { companyID: 'comp_1', userID: 'user_2', nbJobs: 3, creationDate: iso(base - DAY_MS), eventID: 'it-e2' }, // out of order
      { companyID: 'comp_1', userID: 'user_1', nbJobs: 2, creationDate: iso(base), eventID: 'it-e1' }, // producer duplicate
      `comp_2,user_7,4,${iso(base - 5 * 3_600_000)}`,
      { companyID: 'comp_99999', userID: 'user_1', nbJobs: 1, creationDate: iso(base), eventID: 'it-unknown' },
      '{"companyID":"comp_2","userID":',
      { companyID: 'comp_2', userID: 'user_1', nbJobs: 0, creationDate: iso(base), eventID: 'it-zero' },
    ]);
    const enriched = await eventually(async () => {
      const records = await probe.enrichedInS3();
      const letters = await probe.deadLetters();
      return records.length >= 3 && letters.length >= 3 ? records : undefined;
    }, 60_000, '3 enriched records and 3 dead letters');
    await runner.stop();

    // Assess: S3, exactly these records
    const comp2 = generateCompany(42, 2);
    const expectedVerdict = (company: typeof comp2, job30: number, job90: number) => {
      const { churn, probability } = scoreCompany(model, { ...company, job30, job90 });
      return { riskOfChurn: churn, churnProbability: probability };
    };
    const byId = new Map(enriched.map((record) => [record.eventID.startsWith('bigdatajobs/') ? 'csv' : record.eventID, record]));
    expect(enriched).toHaveLength(3);
    expect(byId.get('it-e1')).toMatchObject({ companyID: 'comp_1', job30: 12, job90: 42, nbJobs: 2, ...expectedVerdict(snapshot, 12, 42) });
    expect(byId.get('it-e2')).toMatchObject({ companyID: 'comp_1', job30: 13, job90: 43, nbJobs: 3, ...expectedVerdict(snapshot, 13, 43) });
    expect(byId.get('csv')).toMatchObject({
      companyID: 'comp_2',
      industry: comp2.industry,
      job30: comp2.job30 + 4,
      job90: comp2.job90 + 4,
      ...expectedVerdict(comp2, comp2.job30 + 4, comp2.job90 + 4),
    });

    // Dead letters with their reasons, and the stream
    const letters = await probe.deadLetters();
    expect(letters.map((letter) => letter.reason).sort()).toEqual(['malformed-json', 'out-of-range', 'unknown-company']);
    const onStream = await probe.enrichedOnStream();
    expect(new Set(onStream.map((record) => record.eventID))).toEqual(new Set(enriched.map((record) => record.eventID)));

    // State: buckets hold exactly the counted jobs; the duplicate was skipped
    const comp1 = await probe.companyState('comp_1');
    expect(Object.values(comp1?.buckets ?? {}).sort()).toEqual([2, 3]);
    // Producer ids are in the lane's dedupe window, not in the company item.
    expect(comp1 === undefined ? -1 : rememberedEventCount(comp1)).toBe(0);
    expect((await probe.companyState('comp_2'))?.profileSource).toBe('lookup');
    expect(await probe.companyState('comp_99999')).toBeUndefined();
    expect(metrics.counter('DuplicatesSkipped')).toBe(1);
    clients.kinesis.destroy();
    clients.s3.destroy();
    clients.dynamodb.destroy();
  });

  it('counts every event exactly once when the runner process is SIGKILLed mid-stream and restarted', async () => {
    // Prepare: 400 events for 40 companies, produced before the runner (re)starts
    const endpointsFile = path.join(workDir, 'endpoints.json');
    const events = jobEvents('crash', 400, 100, 40);
    for (let i = 0; i < events.length; i += 100) await probe.put('bigdatajobs', events.slice(i, i + 100));

    // Act: killed right after a state commit (before S3), then right after an S3 write (before
    // completing), then a clean run that drains on SIGTERM
    for (const crashAfter of ['committed:1', 'published:1']) {
      const run = spawnLocalRunner(endpointsFile, { PROCESSOR_TEST_CRASH_AFTER: crashAfter, RUNNER_GETRECORDS_LIMIT: '150' });
      const exit = await run.exited;
      const killed = exit.signal === 'SIGKILL';
      expect({ crashAfter, killed, output: killed ? '' : run.output().slice(-2000) }).toEqual({ crashAfter, killed: true, output: '' });
    }
    const records = await drainAfterAllInS3(spawnLocalRunner(endpointsFile, { RUNNER_GETRECORDS_LIMIT: '150' }), 'crash', events.length);

    // Assess: every event exactly once in S3, and the counters equal a recomputation from the inputs
    await expectCountedOnce(events, records);
  });

  it('counts every event exactly once with compaction sweeps spanning batches, across a SIGKILL while they run', async () => {
    // Prepare: 600 events for 60 companies in small batches; a deferred list of at most 6 batches,
    // so that a sweep of two shares begins at every fifth listed batch (the interval, 30 s, never
    // comes first)
    const endpointsFile = path.join(workDir, 'endpoints.json');
    const events = jobEvents('sweep', 600, 300, 60);
    const env = { STATE_COMPACTION_INTERVAL_SECONDS: '30', STATE_COMPACTION_MAX_BATCHES: '6', RUNNER_GETRECORDS_LIMIT: '20' };
    const feed = async (from: number, to: number) => {
      for (let i = from; i < to; i += 15) {
        await probe.put('bigdatajobs', events.slice(i, i + 15));
        await sleep(100);
      }
    };

    // Act: a runner fed half the events, SIGKILLed while it works; a clean one fed the rest, stopped by SIGTERM
    const killed = spawnLocalRunner(endpointsFile, env);
    await feed(0, 300);
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    const clean = spawnLocalRunner(endpointsFile, env);
    await feed(300, 600);
    const records = await drainAfterAllInS3(clean, 'sweep', events.length);

    // Assess: sweeps of two shares ended while events arrived; every event once; exact counters
    const sweeps = [killed.output(), clean.output()]
      .flatMap((output) => output.split('\n'))
      .filter((line) => line.includes('compaction sweep ended'))
      .map((line) => (JSON.parse(line) as { shares: number }).shares);
    expect(sweeps.length).toBeGreaterThan(0);
    expect(sweeps.every((shares) => shares === 2)).toBe(true);
    await expectCountedOnce(events, records);
  });
});
