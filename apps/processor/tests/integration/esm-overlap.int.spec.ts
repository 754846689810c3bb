import type { LocalStack } from '@tenant-analytics/local-stack';
import { eventually, type LocalPipelineProbe } from '@tenant-analytics/pipeline-harness';
import { DAY_MS } from '../../src/core/company-state';
import { compactJobsLanes, countedJobs, createTestStreams, setChurnFaults, setFunctionEnvironment, startTestEmulator, wrappedHandlerLoader, startTestStack, stopTestEmulators, type TestStack } from './esm-harness';

/**
 * An invocation times out while the churn API is slow; the mapping bisects and retries in a new
 * execution environment while the timed-out one still runs (the emulator abandons, it does not
 * cancel), and the old one ends last, from the pre-state it read before the retry committed. State
 * and S3 must equal one clean run. On the state layer of 11aaa5b this failed: every enriched record
 * was twice in S3 (the pending batch was written without checking the lane checkpoint the
 * invocation had read; /work/shared/audits/processor-2026-12/protocol-overlap.spec.ts). It passes
 * since the lane fence of 545215f.
 */
describe('the Lambda path when two invocations of one shard overlap', () => {
  let stack: LocalStack;
  let probe: LocalPipelineProbe;
  let testStack: TestStack | undefined;
  const yesterdayNoon = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS + 12 * 3_600_000;

  beforeAll(async () => {
    testStack = await startTestStack('processor-esm-overlap-');
    ({ stack, probe } = testStack);
  });

  afterEach(async () => {
    await stopTestEmulators();
  });

  afterAll(async () => {
    await testStack?.stop();
  });

  it.each([
    { layout: 'writing company items every batch', compactionSeconds: '0', companyID: 'comp_500' },
    { layout: 'with state compaction (the batches deferred, compacted after the run)', compactionSeconds: '3600', companyID: 'comp_501' },
  ])('leaves state and S3 as one clean run would when a timed-out invocation finishes after its retry, $layout', async ({ compactionSeconds, companyID }) => {
    // Prepare: churn answers after 4 s; the function times out after 1 s (scoring calls themselves may take 8 s),
    // so the abandoned invocation ends well after its fast retries even on a loaded machine
    const streams = await createTestStreams(probe.kinesis, `overlap-${compactionSeconds}`);
    const restore = setFunctionEnvironment(stack, streams, { SCORING_ATTEMPT_TIMEOUT_MS: '8000', SCORING_TOTAL_TIMEOUT_MS: '16000', STATE_COMPACTION_INTERVAL_SECONDS: compactionSeconds });
    await setChurnFaults(stack, { latencyMs: 4_000 });
    const events = [1, 2, 4, 8].map((nbJobs, n) => ({ companyID, userID: 'user_1', nbJobs, creationDate: new Date(yesterdayNoon).toISOString(), eventID: `overlap-${n}` }));
    // When each handler call really started and ended (an abandoned one ends after the mapping gave up on it)
    const calls: { started: number; ended?: number; records: number; outcome?: string }[] = [];
    const loadHandler = wrappedHandlerLoader((handler) => async (event) => {
      const call: (typeof calls)[number] = { started: Date.now(), records: event.Records.length };
      calls.push(call);
      try {
        const response = await handler(event);
        call.outcome = JSON.stringify(response);
        return response;
      } finally {
        call.ended = Date.now();
      }
    });
    const { emulator, kinesis } = await startTestEmulator({ stack, streams, invocationTimeoutMs: 1_000, loadHandler });
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
    const enrichedOfRun = async () => (await probe.enrichedInS3()).filter((record) => record.source.stream === streams.jobs);
    await eventually(async () => ((await enrichedOfRun()).length >= 4 && emulator.invocations.at(-1)?.verdict.kind === 'success' ? true : undefined), 60_000, 'all 4 events enriched');
    // stop() waits for the abandoned invocation to end, so every write it makes is in before the assessment
    await emulator.stop();
    const compactedLanes = await compactJobsLanes(stack, kinesis, streams);
    kinesis.destroy();
    restore();

    // Assess: the first call (all 4 records) timed out and ended only after a later call had completed: they overlapped
    expect(emulator.invocations[0]?.result).toMatchObject({ kind: 'error', errorType: 'Sandbox.Timedout' });
    const [first, ...later] = calls;
    expect(first?.records).toBe(4);
    expect(later.some((call) => call.ended !== undefined && first?.ended !== undefined && call.started > (first?.started ?? 0) && call.ended < first.ended)).toBe(true);
    // … and the result is one clean run's
    expect(compactedLanes).toBe(compactionSeconds === '0' ? 0 : 1);
    const enriched = await enrichedOfRun();
    expect({ counted: await countedJobs(probe, companyID), ids: enriched.map((record) => record.eventID).sort() }).toEqual({
      counted: 15,
      ids: events.map((event) => event.eventID),
    });
  });
});
