import { companyIdsUpTo } from '@tenant-analytics/job-producer';
import { ceilingItems, ceilingText, companyWritesPerEvent, deriveCeiling, type StateStoreCeiling } from './state-store-ceiling';

function ceilingFactory(overrides: Partial<StateStoreCeiling> = {}): StateStoreCeiling {
  return {
    writes: 12_345,
    conflicts: 0,
    seconds: 12.04,
    concurrency: 16,
    writesPerSecond: 1_025.3,
    clientCpuUsPerWrite: 712.4,
    emulatorCpuUsPerWrite: 505.6,
    writesPerEvent: 0.9516,
    ceilingEventsPerSecond: 1_077.5,
    itemBytes: 1_234,
    ...overrides,
  };
}

describe('deriveCeiling', () => {
  it('derives writes/s, CPU per write and the events/s the writes allow', () => {
    // Act
    const derived = deriveCeiling({ writes: 10_000, conflicts: 0, spanMs: 10_000, clientCpuMs: 7_000, emulatorCpuMs: 5_000, writesPerEvent: 0.95 });

    // Assess
    expect(derived.writesPerSecond).toBe(1_000);
    expect(derived.clientCpuUsPerWrite).toBe(700);
    expect(derived.emulatorCpuUsPerWrite).toBe(500);
    expect(derived.ceilingEventsPerSecond).toBeCloseTo(1_000 / 0.95, 6);
  });

  it('gives zeros rather than infinities when nothing was written or measured', () => {
    // Act
    const derived = deriveCeiling({ writes: 0, conflicts: 0, spanMs: 0, clientCpuMs: 3, emulatorCpuMs: 2, writesPerEvent: 0 });

    // Assess
    expect(derived).toEqual({ writesPerSecond: 0, clientCpuUsPerWrite: 0, emulatorCpuUsPerWrite: 0, ceilingEventsPerSecond: 0 });
  });
});

describe('companyWritesPerEvent', () => {
  it('counts one write per batch when every event is of the same company', () => {
    expect(companyWritesPerEvent(['comp_0'], 1_000, 3)).toBe(1 / 1_000);
  });

  it('matches the expected distinct companies of uniform events over the data set (~951 per 1,000 over 10,000)', () => {
    // Prepare: E[distinct] = n (1 − (1 − 1/n)^k)
    const expected = 10_000 * (1 - (1 - 1 / 10_000) ** 1_000);

    // Act
    const perEvent = companyWritesPerEvent(companyIdsUpTo(10_000), 1_000, 5);

    // Assess
    expect(perEvent * 1_000).toBeGreaterThan(expected - 10);
    expect(perEvent * 1_000).toBeLessThan(expected + 10);
  });

  it('rejects empty batches', () => {
    expect(() => companyWritesPerEvent(['comp_0'], 0, 1)).toThrow(RangeError);
    expect(() => companyWritesPerEvent(['comp_0'], 1_000, 0)).toThrow(RangeError);
  });
});

describe('ceilingItems', () => {
  it('copies the models under ceiling ids at version 0, cycling through them', () => {
    // Prepare
    const models = [
      { companyID: 'comp_0', version: 7, buckets: { '20000': 3 } },
      { companyID: 'comp_1', version: 2, buckets: { '20001': 1 } },
    ];

    // Act
    const items = ceilingItems(models, 3);

    // Assess
    expect(items).toEqual([
      { companyID: 'ceiling-0', version: 0, buckets: { '20000': 3 } },
      { companyID: 'ceiling-1', version: 0, buckets: { '20001': 1 } },
      { companyID: 'ceiling-2', version: 0, buckets: { '20000': 3 } },
    ]);
    expect(models[0]?.companyID).toBe('comp_0');
  });

  it('rejects an empty set of models', () => {
    expect(() => ceilingItems([], 10)).toThrow(/no company state to copy/);
  });
});

describe('ceilingText', () => {
  it('states the rate, the CPU per write, the writes per event and the derived ceiling', () => {
    // Act
    const text = ceilingText(ceilingFactory());

    // Assess
    expect(text).toContain('12,345 conditional company writes');
    expect(text).toContain('at 16 in flight for 12.0 s');
    expect(text).toContain('1,025 writes/s');
    expect(text).toContain('712 µs client');
    expect(text).toContain('506 µs emulator (the client alone allows 1,404 writes/s per core)');
    expect(text).toContain('0.952 company writes per event');
    expect(text).toContain('ceiling 1,078 events/s');
    expect(text).toContain('not a target');
    expect(text).toContain('median 1,234 B of state JSON');
    expect(text).not.toContain('conflicts');
  });

  it('mentions conflicts when there are some', () => {
    // Act
    const text = ceilingText(ceilingFactory({ conflicts: 3 }));

    // Assess
    expect(text).toContain('3 conflicts');
  });
});
