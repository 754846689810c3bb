import { heapFlagsOf, parseCpuInfo, readLoadAverage, readMachineInfo } from './machine';

describe('parseCpuInfo', () => {
  it('reads the first model name and clock', () => {
    // Prepare
    const text = ['processor\t: 0', 'model name\t: AMD EPYC 7B13', 'cpu MHz\t\t: 2596.148', '', 'processor\t: 1', 'model name\t: other'].join('\n');

    // Act
    const info = parseCpuInfo(text);

    // Assess
    expect(info).toEqual({ model: 'AMD EPYC 7B13', mhz: 2596 });
  });

  it('leaves out what the text does not have', () => {
    expect(parseCpuInfo('processor\t: 0\n')).toEqual({});
  });
});

describe('readMachineInfo', () => {
  it('describes this machine', () => {
    // Act
    const info = readMachineInfo();

    // Assess
    expect(info.cores).toBeGreaterThan(0);
    expect(info.nodeVersion).toBe(process.version);
    expect(info.cpuModel.length).toBeGreaterThan(0);
  });
});

describe('heapFlagsOf', () => {
  it('keeps the heap-size flags of a process and nothing else', () => {
    expect(heapFlagsOf(['--require', 'x.cjs', '--max-semi-space-size=64', '--enable-source-maps', '--max_old_space_size=900'])).toEqual([
      '--max-semi-space-size=64',
      '--max_old_space_size=900',
    ]);
  });
});

describe('readLoadAverage', () => {
  it('gives three non-negative numbers', () => {
    // Act
    const load = readLoadAverage();

    // Assess
    expect(load).toHaveLength(3);
    expect(load.every((value) => value >= 0)).toBe(true);
  });
});
