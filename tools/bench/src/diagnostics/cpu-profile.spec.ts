import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@tenant-analytics/local-stack';
import { profileRun, profilingEnv, readCpuProfile, renderProfileSummary, shortenUrl, summarizeCpuProfile, withCpuProfile, type CpuProfile } from './cpu-profile';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });

/** root → idle, decode (a.ts), gc; samples: decode ×3, gc ×1, idle ×4, each 1 ms apart. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4] },
    { id: 2, callFrame: frame('(idle)', '') },
    { id: 3, callFrame: frame('decode', 'file:///repo/libs/domain/src/decode.ts', 41) },
    { id: 4, callFrame: frame('(garbage collector)', '') },
  ],
  startTime: 0,
  endTime: 9_000,
  samples: [3, 3, 3, 4, 2, 2, 2, 2, 3],
  timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
};

describe('summarizeCpuProfile', () => {
  it('ranks functions and files by self time, leaving idle out', () => {
    // Act
    const summary = summarizeCpuProfile(profile, { root: '/repo' });

    // Assess: the last sample has no following delta, so decode gets 3 ms, gc 1 ms
    expect(summary.sampledMs).toBe(4);
    expect(summary.functions).toEqual([
      { name: 'decode (libs/domain/src/decode.ts)', ms: 3, share: 0.75 },
      { name: '(garbage collector)', ms: 1, share: 0.25 },
    ]);
    expect(summary.files.map((spot) => spot.name)).toEqual(['libs/domain/src/decode.ts', '(native)']);
    expect(summary.stages).toEqual([{ name: 'decode (libs/domain/src/decode.ts)', ms: 3, share: 0.75 }]);
  });

  it('charges total time to every repository function on the stack, library frames left out', () => {
    // Prepare: process (ours) → parse (zod) → check (ours); process → gzip (native)
    const nested: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('process', 'file:///repo/apps/p.ts'), children: [2, 4] },
        { id: 2, callFrame: frame('parse', 'file:///repo/node_modules/zod/parse.js'), children: [3] },
        { id: 3, callFrame: frame('check', 'file:///repo/libs/d.ts') },
        { id: 4, callFrame: frame('gzip', '') },
      ],
      startTime: 0,
      endTime: 4_000,
      samples: [3, 3, 4, 1],
      timeDeltas: [1_000, 1_000, 1_000, 1_000],
    };

    // Act
    const summary = summarizeCpuProfile(nested, { root: '/repo' });

    // Assess
    expect(summary.stages.map((spot) => [spot.name, spot.ms])).toEqual([
      ['process (apps/p.ts)', 3],
      ['check (libs/d.ts)', 2],
    ]);
  });

  it('falls back to hit counts when the profile has no timeline', () => {
    // Prepare
    const counted: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('', 'file:///repo/a.ts', 1), hitCount: 3 },
        { id: 2, callFrame: frame('b', 'file:///repo/b.ts'), hitCount: 1 },
      ],
      startTime: 0,
      endTime: 4_000,
    };

    // Act
    const summary = summarizeCpuProfile(counted, { root: '/repo', top: 1 });

    // Assess
    expect(summary.functions).toEqual([{ name: '(anonymous) (a.ts:2:1)', ms: 3, share: 0.75 }]);
  });
});

describe('shortenUrl', () => {
  it('keeps packages from node_modules on and makes repository files relative', () => {
    expect(shortenUrl('file:///repo/node_modules/zod/v4/core/parse.js', '/repo')).toBe('node_modules/zod/v4/core/parse.js');
    expect(shortenUrl('file:///repo/apps/processor/src/core/x.ts', '/repo')).toBe('apps/processor/src/core/x.ts');
    expect(shortenUrl('node:internal/streams', '/repo')).toBe('node:internal/streams');
  });
});

describe('readCpuProfile', () => {
  it('reads a profile file and rejects one that is not a profile', () => {
    // Prepare
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
    const good = path.join(dir, 'good.cpuprofile');
    const bad = path.join(dir, 'bad.cpuprofile');
    writeFileSync(good, JSON.stringify(profile));
    writeFileSync(bad, JSON.stringify({ nodes: 'nope' }));

    try {
      // Act + Assess
      expect(readCpuProfile(good).nodes).toHaveLength(4);
      expect(() => readCpuProfile(bad)).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('renderProfileSummary', () => {
  it('prints the sampled time and the hot-spot tables of a profile file', () => {
    // Prepare
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
    const file = path.join(dir, 'run.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));

    try {
      // Act
      const text = renderProfileSummary(file);

      // Assess
      expect(text).toContain(`${file}: 4 ms sampled (idle excluded)`);
      expect(text).toContain('self time by function');
      expect(text).toContain('self time by file');
      expect(text).toMatch(/\(garbage collector\)\s+\|?\s*1\.0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('profilingEnv', () => {
  it('preloads the profiler into a child only when given a folder', () => {
    expect(profilingEnv(undefined)).toEqual({});
    expect(profilingEnv('/tmp/profiles')).toMatchObject({ BENCH_CPU_PROFILE_DIR: '/tmp/profiles', NODE_OPTIONS: expect.stringMatching(/--require \S+cpu-profile-preload\.cjs$/) });
  });
});

describe('withCpuProfile', () => {
  it('returns the task result and a profile of this process', async () => {
    // Act
    const { result, profile: recorded } = await withCpuProfile(async () => {
      let sum = 0;
      for (let i = 0; i < 1e5; i++) sum += i;
      return sum;
    });

    // Assess
    expect(result).toBe(4_999_950_000);
    expect(recorded.nodes.length).toBeGreaterThan(0);
  });
});

describe('profileRun', () => {
  it('writes a readable .cpuprofile of the task and summarizes it', async () => {
    // Prepare
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));

    try {
      // Act
      const report = await profileRun(dir, 'unit', async () => JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ i }))));

      // Assess
      expect(path.resolve(REPO_ROOT, report.file)).toBe(path.join(dir, 'unit.cpuprofile'));
      expect(readCpuProfile(path.resolve(REPO_ROOT, report.file)).nodes.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
