import { designFigures, measure } from './measure';

describe('measure', () => {
  it('times a task and keeps the events and outputs it reports', async () => {
    // Act
    const measurement = await measure(1_000, async () => 998);

    // Assess
    expect(measurement.events).toBe(1_000);
    expect(measurement.outputs).toBe(998);
    expect(measurement.wallMs).toBeGreaterThanOrEqual(0);
    expect(measurement.cpuMs).toBeGreaterThanOrEqual(0);
  });
});

describe('designFigures', () => {
  it('summarizes rounds as rates and per-event costs', () => {
    // Prepare: 1,000 events in 10 ms and in 20 ms of wall time
    const rounds = [
      { events: 1_000, outputs: 1_000, wallMs: 10, cpuMs: 12, mainThreadCpuMs: 9 },
      { events: 1_000, outputs: 999, wallMs: 20, cpuMs: 18 },
    ];

    // Act
    const figures = designFigures(rounds);

    // Assess
    expect(figures.eventsPerSecond).toMatchObject({ min: 50_000, max: 100_000, median: 75_000 });
    expect(figures.microsPerEvent.median).toBe(15);
    expect(figures.cpuMicrosPerEvent.median).toBe(15);
    expect(figures.mainThreadMicrosPerEvent.median).toBe(13.5);
    expect([figures.events, figures.outputs]).toEqual([2_000, 1_999]);
  });

  it('rejects an empty list of rounds', () => {
    expect(() => designFigures([])).toThrow(RangeError);
  });
});
