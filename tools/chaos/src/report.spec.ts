import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatMarkdown, formatMs, formatReasons, formatTable, writeReports, type SuiteReport } from './report';
import type { ScenarioResult } from './scenario';

const row = (overrides: Partial<ScenarioResult> = {}): ScenarioResult => ({
  id: 'bad-input',
  title: '5 bad input corpus',
  events: 510,
  enriched: 320,
  deadLettersByReason: { 'bad-type': 3, 'out-of-range': 7 },
  duplicatesFound: 0,
  counterMismatches: 0,
  maxLagMs: 1_530,
  verdict: 'PASS',
  checks: [{ name: 'no crash', ok: true, detail: 'pid 1 → 1' }],
  notes: ['a note'],
  durationMs: 30_000,
  ...overrides,
});

const report = (results: ScenarioResult[]): SuiteReport => ({
  startedAt: '2026-11-20T12:00:00.000Z',
  finishedAt: '2026-11-20T12:05:00.000Z',
  kinesisBackend: 'kinesis-local',
  seed: 42,
  node: 'v20.20.2',
  results,
  verdict: results.every((result) => result.verdict === 'PASS') ? 'PASS' : 'FAIL',
});

describe('formatReasons and formatMs', () => {
  it('list reasons most frequent first with the total, and durations in ms or s', () => {
    expect(formatReasons({ 'bad-type': 3, 'out-of-range': 7, 'bad-format': 3 })).toBe('13: out-of-range 7, bad-format 3, bad-type 3');
    expect(formatReasons({})).toBe('0');
    expect([formatMs(850.4), formatMs(12_345), formatMs(null)]).toEqual(['850 ms', '12.3 s', '-']);
  });
});

describe('formatTable', () => {
  it('aligns one row per scenario under the issue\'s columns', () => {
    const table = formatTable([row(), row({ title: '3 SIGKILL', verdict: 'FAIL', duplicatesFound: 2, maxLagMs: null })]);

    const lines = table.split('\n');
    expect(lines[0]).toBe('scenario           | events | enriched | dead-lettered by reason        | duplicates found | counter mismatches | max lag | verdict');
    expect(lines[2]).toContain('| 10: out-of-range 7, bad-type 3 |');
    expect(lines[3]).toMatch(/^3 SIGKILL\s+\| 510 .*\| 2 +\| 0 +\| - +\| FAIL$/);
    expect(new Set(lines.map((line) => line.indexOf('|')))).toEqual(new Set([19]));
  });
});

describe('formatMarkdown and writeReports', () => {
  it('write the table, every check and note, and the captured logs', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'chaos-report-'));
    try {
      const files = writeReports(dir, report([row({ verdict: 'FAIL', checks: [{ name: 'x', ok: false, detail: 'a|b' }], discrepancies: { missing: [{ key: 'event:e1' }] } })]), [
        { source: 'runner#1', line: '{"msg":"processor running"}' },
      ]);

      const markdown = readFileSync(files.markdown, 'utf8');
      expect(markdown).toContain('# Reliability suite: FAIL');
      expect(markdown).toContain('| 5 bad input corpus | 510 | 320 |');
      expect(markdown).toContain('- FAIL x: a|b');
      expect(markdown).toContain('"key": "event:e1"');
      expect(JSON.parse(readFileSync(files.json, 'utf8'))).toMatchObject({ verdict: 'FAIL', seed: 42 });
      expect(readFileSync(files.log, 'utf8')).toBe('runner#1 {"msg":"processor running"}\n');
      expect(path.basename(files.json)).toBe('chaos-2026-11-20T12-00-00-000Z.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('escapes pipes inside table cells', () => {
    expect(formatMarkdown(report([row({ title: 'a|b' })]))).toContain('| a\\|b |');
  });
});
