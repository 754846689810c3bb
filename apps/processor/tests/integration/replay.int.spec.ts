import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCompany, loadPipelineConfig } from '@tenant-analytics/domain';
import { startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { LocalPipelineProbe, eventually } from '@tenant-analytics/pipeline-harness';
import { InMemoryMetrics } from '../../src/adapters/in-memory-metrics';
import { KinesisShardReader } from '../../src/adapters/kinesis-shard-reader';
import { createAwsClients, createBatchProcessor } from '../../src/composition';
import { localPropertyGroups } from '../../src/local-config';
import { runReplay } from '../../src/replay/replay-cli';
import { ShardLanesRunner } from '../../src/runner/shard-lanes-runner';
import { MemoryLogger } from '../../src/testing/in-memory-adapters';

/**
 * The replay tool against the real local stack: a churn API failing half its calls leaves
 * `score-failed` dead letters, a job of a tenant the tenant manager does not know yet leaves an
 * `unknown-company` one; `runReplay` (the CLI's body, with the stack's endpoints file) then gives
 * every valid event exactly one enriched record and one count, and a second run changes nothing.
 */
describe('replay of dead letters on the local stack', () => {
  let stack: LocalStack;
  let probe: LocalPipelineProbe;
  let workDir: string;
  let endpointsFile: string;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'processor-replay-int-'));
    endpointsFile = path.join(workDir, 'endpoints.json');
    stack = await startLocalStack({
      ports: { kinesis: 0, s3: 0, dynamodb: 0, tenantManager: 0, churnApi: 0 },
      services: { tenantManager: true, churnApi: true },
      endpointsFile,
    });
    probe = new LocalPipelineProbe(stack.endpoints);
  });

  afterAll(async () => {
    probe?.destroy();
    await stack?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  const putJson = async (url: string, method: 'PUT' | 'POST', body: unknown) => {
    const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  };

  it('enriches every valid event once and counts it once, however often it is replayed', async () => {
    // Prepare: one churn call per company, one attempt, a breaker that never opens: a failed call is a score-failed record
    const env = {
      RUNNER_POLL_INTERVAL_MS: '100',
      SCORING_BATCH_SIZE: '1',
      SCORING_RETRY_MAX_ATTEMPTS: '1',
      SCORING_BREAKER_CONSECUTIVE_FAILURES: '1000',
      STATE_COMPACTION_INTERVAL_SECONDS: '0',
    };
    const config = loadPipelineConfig({ json: localPropertyGroups(stack.endpoints), env });
    const credentials = async () => stack.endpoints.credentials;
    const clients = createAwsClients(config, credentials);
    const logger = new MemoryLogger();
    const metrics = new InMemoryMetrics();
    const runner = new ShardLanesRunner(
      { streams: [{ name: 'bigdatajobs', initialPosition: { type: 'TRIM_HORIZON' } }, { name: 'companies', initialPosition: { type: 'TRIM_HORIZON' } }], pollIntervalMs: 100, getRecordsLimit: 1000 },
      new KinesisShardReader(clients.kinesis),
      createBatchProcessor(config, clients, { logger, metrics, credentials }),
      logger,
      metrics,
    );
    await runner.start();
    const churnApi = stack.endpoints.churnApi as string;
    await putJson(`${churnApi}/admin/faults`, 'PUT', { errorRate: 0.5, errorStatus: 500, seed: 11 });
    const creationDate = new Date(Date.now() - 3_600_000).toISOString();
    const events = Array.from({ length: 24 }, (_, index) => ({
      companyID: `comp_${(index % 6) + 1}`,
      userID: `user_${index}`,
      nbJobs: index + 1,
      creationDate,
      // Every third event without an eventID: the replay must not count those twice either.
      ...(index % 3 === 2 ? {} : { eventID: `replay-it-${index}` }),
    }));
    const lateTenant = { companyID: 'comp_777777', userID: 'user_late', nbJobs: 5, creationDate, eventID: 'replay-it-late' };
    await probe.put('bigdatajobs', [...events, lateTenant]);
    await eventually(async () => ((await probe.enrichedInS3()).length + (await probe.deadLetters()).length >= 25 ? true : undefined), 60_000, '25 records enriched or dead-lettered');
    const letters = await probe.deadLetters();
    expect(letters.filter((letter) => letter.reason === 'score-failed').length).toBeGreaterThan(0);
    expect(letters.filter((letter) => letter.reason === 'unknown-company')).toHaveLength(1);

    // Act: the churn API recovers, the tenant appears (in the tenant manager, and its snapshot in
    // state: the running processor keeps its "unknown" answer for tenant.cache.ttl.ms), then replay twice
    await putJson(`${churnApi}/admin/faults`, 'PUT', {});
    const { companyID: _id, ...profile } = generateCompany(42, 7);
    await putJson(`${stack.endpoints.tenantManager as string}/api/v1/tenants`, 'POST', { tenantID: 'comp_777777', ...profile });
    await probe.put('companies', [{ ...profile, companyID: 'comp_777777', asOf: new Date(Date.now() - 2 * 3_600_000).toISOString() }]);
    await eventually(async () => ((await probe.companyState('comp_777777'))?.profile === undefined ? undefined : true), 30_000, 'the late tenant\'s snapshot in state');
    const first = (await runReplay({ fromDeadLetters: { bucket: stack.endpoints.bucket, prefix: 'dead-letters' }, endpointsFile, dryRun: false }, logger)).deadLetters;
    expect(first).toMatchObject({ deadLetters: letters.length, rescored: letters.length - 1, resent: 1, failed: { count: 0 } });
    await eventually(async () => ((await probe.enrichedInS3()).length >= 25 ? true : undefined), 60_000, '25 enriched records after the replay');
    const objectsAfterFirst = (await probe.enrichedInS3()).length;
    const second = (await runReplay({ fromDeadLetters: { bucket: stack.endpoints.bucket, prefix: 'dead-letters' }, endpointsFile, dryRun: false }, logger)).deadLetters;
    await runner.stop();

    // Assess: the replay's accounting
    expect(second).toMatchObject({ deadLetters: letters.length, alreadyReplayed: letters.length, rescored: 0, resent: 0 });

    // S3: every valid event enriched exactly once, scored
    const enriched = await probe.enrichedInS3();
    expect(enriched).toHaveLength(objectsAfterFirst);
    const ids = enriched.map((record) => record.eventID);
    expect(new Set(ids).size).toBe(25);
    expect(enriched.every((record) => record.riskOfChurn !== null)).toBe(true);
    expect(new Set((await probe.enrichedOnStream()).map((record) => record.eventID))).toEqual(new Set(ids));

    // State: each company's jobs counted once
    for (let company = 1; company <= 6; company += 1) {
      const expected = events.filter((event) => event.companyID === `comp_${company}`).reduce((sum, event) => sum + event.nbJobs, 0);
      const state = await probe.companyState(`comp_${company}`);
      expect(Object.values(state?.buckets ?? {}).reduce((sum, jobs) => sum + jobs, 0)).toBe(expected);
    }
    clients.kinesis.destroy();
    clients.s3.destroy();
    clients.dynamodb.destroy();
  });
});
