import type { LocalStack } from '@tenant-analytics/local-stack';
import { eventually, type LocalPipelineProbe } from '@tenant-analytics/pipeline-harness';
import { EFFECT_STEPS } from '../../src/core/batch-processor';
import { DAY_MS } from '../../src/core/company-state';
import { MemoryOnFailureDestination, countedJobs, createTestStreams, setFunctionEnvironment, startTestEmulator, startTestStack, stopTestEmulators, type TestStack } from './esm-harness';

/**
 * The Lambda runtime dies in the middle of a batch, right after each effect step of the core: the
 * mapping sees `Runtime.ExitError`, bisects and retries in a fresh execution environment, and the
 * next invocation finishes what the dead one left. State and S3 must be exactly one clean run's.
 */
describe('the Lambda path when the runtime crashes mid-batch', () => {
  let stack: LocalStack;
  let probe: LocalPipelineProbe;
  let testStack: TestStack | undefined;
  const yesterdayNoon = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS + 12 * 3_600_000;

  beforeAll(async () => {
    testStack = await startTestStack('processor-esm-crash-');
    ({ stack, probe } = testStack);
  });

  afterEach(async () => {
    await stopTestEmulators();
  });

  afterAll(async () => {
    await testStack?.stop();
  });

  it.each(EFFECT_STEPS.map((step, index) => [step, index] as const))('leaves state and S3 as one clean run would after a crash right after %s', async (step, index) => {
    // Prepare: 12 events for 3 companies of this step's own range, on the test's own streams
    const streams = await createTestStreams(probe.kinesis, `crash-${step}`);
    const restore = setFunctionEnvironment(stack, streams);
    const companies = [0, 1, 2].map((n) => `comp_${400 + 10 * index + n}`);
    const events = Array.from({ length: 12 }, (_, n) => ({
      companyID: companies[n % 3] as string,
      userID: `user_${n}`,
      nbJobs: 1 + n,
      creationDate: new Date(yesterdayNoon - (n % 2) * DAY_MS).toISOString(),
      eventID: `crash-${step}-${n}`,
    }));
    const onFailure = new MemoryOnFailureDestination();
    const { emulator, kinesis } = await startTestEmulator({ stack, streams, onFailure });
    emulator.faults.crashAfterStep(step, { stream: streams.jobs });

    // Act
    await probe.put(streams.jobs, events);
    await eventually(async () => {
      const records = (await probe.enrichedInS3()).filter((record) => record.source.stream === streams.jobs);
      const counted = await Promise.all(companies.map((companyID) => countedJobs(probe, companyID)));
      return records.length >= events.length && counted.reduce((sum, n) => sum + n, 0) >= 78 ? true : undefined;
    }, 60_000, `every event of the ${step} crash in S3 and state`);
    await emulator.stop();
    kinesis.destroy();
    restore();
    const enriched = (await probe.enrichedInS3()).filter((record) => record.source.stream === streams.jobs);

    // Assess: the crash happened, the mapping retried, and every event counts exactly once
    expect(emulator.faults.fired).toEqual([{ kind: 'crash', step, stream: streams.jobs, shardId: 'shardId-000000000000' }]);
    expect(emulator.invocations[0]?.result).toMatchObject({ kind: 'error', errorType: 'Runtime.ExitError' });
    expect(emulator.invocations.at(-1)?.verdict).toEqual({ kind: 'success' });
    expect(enriched.map((record) => record.eventID).sort()).toEqual(events.map((event) => event.eventID).sort());
    const expected = companies.map((companyID) => events.filter((event) => event.companyID === companyID).reduce((sum, event) => sum + event.nbJobs, 0));
    expect(await Promise.all(companies.map((companyID) => countedJobs(probe, companyID)))).toEqual(expected);
    expect(onFailure.records).toEqual([]);
  });
});
