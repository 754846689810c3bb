import { existsSync } from 'node:fs';
import { EnrichedStreamTail, PipelineRunError, collectRunStats, counterOf, startPipeline, waitUntilDrained, type RunningPipeline } from '../../src';

/** The whole pipeline as the demo and the reliability suite start it: stack, both services, the runner as a process. */
describe('startPipeline', () => {
  let pipeline: RunningPipeline | undefined;

  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
  });

  it('runs a tiny workload end to end, drains, measures and stops cleanly', async () => {
    // Prepare
    pipeline = await startPipeline({ kinesisBackend: 'kinesalite' });
    const { endpoints, probe, endpointsFile } = pipeline;
    const tail = await EnrichedStreamTail.start(probe);
    const sentAt = new Date().toISOString();
    const event = (eventID: string, companyID = 'comp_1') => ({ companyID, userID: 'user_1', nbJobs: 2, creationDate: sentAt, sentAt, eventID });

    // Act
    await probe.put(endpoints.streams.jobs, [event('e1'), event('e2', 'comp_2'), event('e1'), '{"companyID":"comp_3"']);
    const drain = await waitUntilDrained(probe, { timeoutMs: 60_000, expected: { enriched: 2, deadLetters: 1 } });
    await tail.waitFor(2, 10_000);
    await tail.stop();
    const stats = collectRunStats({ observations: tail.observations(), deadLetters: await probe.deadLetters(), latencyBasis: 'output-stream' });
    const { runner } = await pipeline.stop();

    // Assess
    expect(drain.lanes.every((lane) => lane.caughtUp && !lane.pending)).toBe(true);
    expect(drain.lanes.find((lane) => lane.stream === endpoints.streams.jobs && lane.checkpoint !== undefined)).toBeDefined();
    expect(stats.enriched).toBe(2);
    expect(stats.deadLettersByReason).toEqual({ 'malformed-json': 1 });
    expect(stats.latencyMs?.count).toBe(2);
    expect(stats.latencyMs?.p99).toBeGreaterThan(0);
    expect(runner).toMatchObject({ code: 0, clean: true, drained: true });
    expect(counterOf(runner.metrics, 'DuplicatesSkipped')).toBe(1);
    expect(counterOf(runner.metrics, 'Enriched')).toBe(2);
    expect(existsSync(endpointsFile)).toBe(false);
  });

  it('restarts the runner after a crash, and the new one carries on', async () => {
    // Prepare
    pipeline = await startPipeline({ kinesisBackend: 'kinesalite' });
    const { endpoints, probe } = pipeline;
    const first = pipeline.runner;
    const firstPid = pipeline.runnerPid;

    // Act
    const killed = await pipeline.killRunner('SIGKILL');
    const previous = await pipeline.restartRunner();
    await probe.put(endpoints.streams.jobs, [{ companyID: 'comp_5', userID: 'user_1', nbJobs: 1, eventID: 'after-restart' }]);
    await waitUntilDrained(probe, { timeoutMs: 60_000, expected: { enriched: 1 } });

    // Assess
    expect(killed).toMatchObject({ clean: false, drained: false });
    expect(previous).toEqual(killed);
    expect(firstPid).toBeDefined();
    expect(() => process.kill(firstPid ?? 0, 0)).toThrow(); // the processor itself is gone, not only tsx's wrapper
    expect(pipeline.runner).not.toBe(first);
    expect(pipeline.runnerPid).not.toBe(firstPid);
    expect((await pipeline.stop()).runner.clean).toBe(true);
  });

  it('rejects when the runner cannot start, naming its error, and stops the stack', async () => {
    // Act
    const started = startPipeline({ kinesisBackend: 'kinesalite', runnerEnv: { SCORING_BATCH_SIZE: 'lots' } });

    // Assess
    const error: unknown = await started.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(PipelineRunError);
    expect((error as Error).message).toMatch(/^The processor exited \(code 1/);
    expect((error as Error).message).toMatch(/scoring\.batch\.size/);
  });
});
