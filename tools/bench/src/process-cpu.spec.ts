import { spawn } from 'node:child_process';
import { cpuOfProcessTrees, mainThreadCpuMs, parseProcStat, ProcessCpuMeter, readProcessTreesCpuMs } from './process-cpu';

describe('parseProcStat', () => {
  it('reads pid, parent and CPU time, even with spaces and parentheses in the command name', () => {
    // Prepare: utime 150 and stime 50 ticks = 2,000 ms
    const text = '4242 (node (tsx) x) S 4200 4242 4242 0 -1 4194560 1 0 0 0 150 50 0 0 20 0 11 0 1 1 1\n';

    // Act
    const stat = parseProcStat(text);

    // Assess
    expect(stat).toEqual({ pid: 4242, ppid: 4200, cpuMs: 2_000 });
  });

  it('rejects text that is not a stat line', () => {
    expect(parseProcStat('garbage')).toBeUndefined();
  });
});

describe('cpuOfProcessTrees', () => {
  it('sums each root with all its descendants', () => {
    // Prepare: 10 → 11 → 12, and 20 alone
    const stats = [
      { pid: 10, ppid: 1, cpuMs: 100 },
      { pid: 11, ppid: 10, cpuMs: 30 },
      { pid: 12, ppid: 11, cpuMs: 5 },
      { pid: 20, ppid: 1, cpuMs: 7 },
    ];

    // Act
    const totals = cpuOfProcessTrees({ runner: 10, dynamodb: 20, gone: 99 }, stats);

    // Assess
    expect(totals).toEqual({ runner: 135, dynamodb: 7, gone: 0 });
  });
});

describe('readProcessTreesCpuMs', () => {
  it("counts the CPU of a wrapper process's busy child in the wrapper's tree", async () => {
    // Prepare: an idle shell (`; true` keeps it from exec-ing) whose node child computes, as tsx
    // runs a script in a child; the shell alone would never reach 50 ms of CPU
    if (readProcessTreesCpuMs({ self: process.pid }) === undefined) return; // not Linux: nothing to read
    const busy = 'const until = Date.now() + 5000; while (Date.now() < until);';
    const wrapper = spawn('/bin/sh', ['-c', `"${process.execPath}" -e '${busy}'; true`], { stdio: 'ignore', detached: true });
    const exited = new Promise((resolve) => wrapper.once('exit', resolve));
    const wrapperPid = wrapper.pid as number;
    let treeCpuMs = 0;

    // Act: read while the child runs
    try {
      for (const until = Date.now() + 5_000; Date.now() < until && treeCpuMs < 50; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        treeCpuMs = readProcessTreesCpuMs({ wrapper: wrapperPid })?.['wrapper'] ?? 0;
      }
    } finally {
      process.kill(-wrapperPid, 'SIGKILL');
      await exited;
    }

    // Assess
    expect(treeCpuMs).toBeGreaterThanOrEqual(50);
  });

  it('reads 0 for a process that does not exist', () => {
    const totals = readProcessTreesCpuMs({ gone: 2 ** 22 + 1 });
    if (totals === undefined) return; // not Linux: nothing to read
    expect(totals['gone']).toBe(0);
  });
});

describe('ProcessCpuMeter', () => {
  it('gives this process a non-negative share of a core over a span', () => {
    // Prepare
    const meter = new ProcessCpuMeter({ self: process.pid });

    // Act
    meter.start();
    let sum = 0;
    for (let i = 0; i < 1e6; i++) sum += i;
    const shares = meter.stop();

    // Assess
    expect(sum).toBeGreaterThan(0);
    expect(shares['self']).toBeGreaterThanOrEqual(0);
  });
});

describe('mainThreadCpuMs', () => {
  it('grows while the main thread computes', () => {
    // Prepare
    const before = mainThreadCpuMs();
    if (before === undefined) return; // not Linux: nothing to read

    // Act: compute until the kernel has charged at least one more tick (10 ms), for 2 s at most:
    // on a loaded machine a fixed 30 ms of wall time may get less than one tick of CPU
    const until = Date.now() + 2_000;
    let after = before;
    while (after === before && Date.now() < until) {
      for (let i = 0; i < 100_000; i++) Math.sqrt(Math.random());
      after = mainThreadCpuMs() ?? before;
    }

    // Assess
    expect(after).toBeGreaterThan(before);
  });
});
