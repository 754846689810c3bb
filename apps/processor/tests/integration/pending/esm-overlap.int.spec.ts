import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { LocalPipelineProbe, eventually } from '@tenant-analytics/pipeline-harness';
import { DAY_MS } from '../../../src/core/company-state';
import { countedJobs, createTestStreams, setChurnFaults, setFunctionEnvironment, startTestEmulator } from '../esm-harness';

/**
 * PENDING (not run by `processor:integration`; see jest.integration.cjs): an invocation times out
 * while the churn API is slow, the mapping bisects and retries in a new execution environment while
 * the timed-out one still runs (Lambda abandons, it does not cancel), and the old one finishes last,
 * from the pre-state it read before the retry committed. State and S3 must equal one clean run.
 * Fails on the state layer of 11aaa5b (the pending batch is written without checking the lane
 * checkpoint the invocation read: /work/shared/audits/processor-2026-12/protocol-overlap.spec.ts);
 * move it to tests/integration/ once "State layer v2" lands.
 */
describe('the Lambda path when two invocations of one shard overlap', () => {
  let stack: LocalStack;
  let probe: LocalPipelineProbe;
  let workDir: string;
  const yesterdayNoon = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS + 12 * 3_600_000;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'processor-esm-overlap-'));
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

  it('leaves state and S3 as one clean run would when a timed-out invocation finishes after its retry', async () => {
    // Prepare: churn answers after 2.5 s; the function times out after 1 s (scoring calls themselves may take 5 s)
    const streams = await createTestStreams(probe.kinesis, 'overlap');
    const restore = setFunctionEnvironment(stack, streams, { SCORING_ATTEMPT_TIMEOUT_MS: '5000', SCORING_TOTAL_TIMEOUT_MS: '10000' });
    await setChurnFaults(stack, { latencyMs: 2_500 });
    const events = [1, 2, 4, 8].map((nbJobs, n) => ({ companyID: 'comp_500', userID: 'user_1', nbJobs, creationDate: new Date(yesterdayNoon).toISOString(), eventID: `overlap-${n}` }));
    const { emulator, kinesis } = await startTestEmulator({ stack, streams, invocationTimeoutMs: 1_000 });
    // The API recovers as soon as the first invocation has timed out: the retries are fast, the abandoned one is not
    const recovered = new Promise<void>((resolve) => {
      const remove = emulator.onInvocation((report) => {
        if (report.result.kind !== 'error' || report.result.errorType !== 'Sandbox.Timedout') return;
        remove();
        void setChurnFaults(stack, { latencyMs: 0 }).then(resolve);
      });
    });

    // Act
    await probe.put(streams.jobs, events);
    await recovered;
    await eventually(async () => ((await countedJobs(probe, 'comp_500')) >= 15 && emulator.invocations.at(-1)?.verdict.kind === 'success' ? true : undefined), 60_000, 'all 15 jobs counted');
    // stop() waits for the abandoned invocation to end, so every write it makes is in before the assessment
    await emulator.stop();
    kinesis.destroy();
    restore();

    // Assess: an overlap happened, and the result is one clean run's
    expect(emulator.invocations.some((report) => report.result.kind === 'error' && report.result.errorType === 'Sandbox.Timedout')).toBe(true);
    const enriched = (await probe.enrichedInS3()).filter((record) => record.source.stream === streams.jobs);
    expect({ counted: await countedJobs(probe, 'comp_500'), ids: enriched.map((record) => record.eventID).sort() }).toEqual({
      counted: 15,
      ids: events.map((event) => event.eventID),
    });
  });
});
