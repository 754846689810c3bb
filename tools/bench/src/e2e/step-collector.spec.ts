import { readSentEvent, StepCollector } from './step-collector';

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('readSentEvent', () => {
  it('reads the event id, its run and the scheduled send time from a job event or an enriched record', () => {
    // Act
    const event = readSentEvent(encode({ companyID: 'comp_1', eventID: 'ours-3-17', sentAt: '2026-11-25T10:00:00.250Z' }));

    // Assess
    expect(event).toEqual({ eventID: 'ours-3-17', runId: 'ours-3', sentAtMs: Date.parse('2026-11-25T10:00:00.250Z') });
  });

  it('rejects CSV, foreign JSON and records without a send time', () => {
    expect(readSentEvent(encode('comp_4,user_1,1'))).toBeUndefined();
    expect(readSentEvent(encode({ eventID: 'x-1' }))).toBeUndefined();
    expect(readSentEvent(encode({ eventID: 'x-1', sentAt: 'yesterday' }))).toBeUndefined();
  });
});

describe('StepCollector', () => {
  it('counts distinct events and measures latency from the scheduled send time', () => {
    // Prepare
    const collector = new StepCollector('run', 3);

    // Act: a repeat (at-least-once output) is ignored
    collector.record({ eventID: 'run-0', runId: 'run', sentAtMs: 1_000 }, 1_100);
    collector.record({ eventID: 'run-0', runId: 'run', sentAtMs: 1_000 }, 9_000);
    collector.record({ eventID: 'run-1', runId: 'run', sentAtMs: 1_000 }, 1_300);
    collector.record({ eventID: 'run-2', runId: 'run', sentAtMs: 1_000 }, 2_000);

    // Assess
    expect(collector.delivered).toBe(3);
    expect(collector.samples.map((sample) => sample.latencyMs)).toEqual([100, 300, 1_000]);
    const latency = collector.latency();
    expect(latency.count).toBe(3);
    expect(latency.p50).toBe(300);
    expect(latency.max).toBeGreaterThanOrEqual(1_000);
    expect(latency.max).toBeLessThan(1_001);
  });

  it('resolves true at once when everything came out', async () => {
    // Prepare
    const collector = new StepCollector('run', 1);
    collector.record({ eventID: 'run-0', runId: 'run', sentAtMs: 0 }, 5);

    // Act + Assess
    await expect(collector.waitForAll(1_000, 1_000)).resolves.toBe(true);
  });

  it('resolves false when the output stalls short of the expected count', async () => {
    // Prepare
    const collector = new StepCollector('run', 2);

    // Act + Assess
    await expect(collector.waitForAll(5_000, 100)).resolves.toBe(false);
  });
});
