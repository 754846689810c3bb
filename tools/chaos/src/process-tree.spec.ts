import { spawn } from 'node:child_process';
import { residentKib, slope } from './process-tree';

describe('slope', () => {
  it('is the least-squares slope of y over x', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2);
    expect(slope([{ x: 0, y: 10 }, { x: 1, y: 12 }, { x: 2, y: 10 }, { x: 3, y: 12 }])).toBeCloseTo(0.4);
  });

  it('is 0 for fewer than two distinct x', () => {
    expect(slope([])).toBe(0);
    expect(slope([{ x: 1, y: 5 }, { x: 1, y: 9 }])).toBe(0);
  });
});

describe('residentKib', () => {
  it('reads the resident memory of a process, and nothing once it is gone', async () => {
    // Prepare
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    const pid = child.pid ?? -1;
    try {
      // Act, assess
      expect(residentKib(pid)).toBeGreaterThan(1_000);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(residentKib(pid)).toBeUndefined();
  });
});
