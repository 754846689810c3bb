import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latestReport, readRunSummary, RUN_SUMMARY_ELEMENT_ID, type RunSummary } from './previous-report';

const summary: RunSummary = {
  startedAt: '2026-12-01T10:00:00.000Z',
  runtime: 'local',
  kinesisBackend: 'kinesalite',
  events: 20_000,
  durationSeconds: 20,
  accepted: 20_000,
  sentPerSecond: 990,
  enrichedPerSecond: 480,
  p50Ms: 26_000,
  p99Ms: 31_000,
  deadLetters: 216,
  drainMs: 16_000,
  balanced: true,
};
const report = (value: unknown) => `<html><script type="application/json" id="${RUN_SUMMARY_ELEMENT_ID}">${JSON.stringify(value)}</script></html>`;

describe('readRunSummary', () => {
  it('reads the summary a report embeds', () => {
    expect(readRunSummary(report(summary))).toEqual(summary);
  });

  it('is undefined for a report without one, or with one that does not decode', () => {
    expect(readRunSummary('<html></html>')).toBeUndefined();
    expect(readRunSummary(report({ ...summary, events: 'many' }))).toBeUndefined();
    expect(readRunSummary(`<script type="application/json" id="${RUN_SUMMARY_ELEMENT_ID}">{not json</script>`)).toBeUndefined();
  });
});

describe('latestReport', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'reports-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the newest report that has a summary', () => {
    // Prepare
    writeFileSync(path.join(dir, 'run-2026-12-01T10-00-00Z.html'), report(summary));
    writeFileSync(path.join(dir, 'run-2026-12-02T10-00-00Z.html'), report({ ...summary, startedAt: '2026-12-02T10:00:00.000Z' }));
    writeFileSync(path.join(dir, 'run-2026-12-03T10-00-00Z.html'), '<html>from before summaries</html>');
    writeFileSync(path.join(dir, 'notes.html'), report(summary));

    // Act
    const latest = latestReport(dir);

    // Assess
    expect(latest?.file).toBe('run-2026-12-02T10-00-00Z.html');
    expect(latest?.summary.startedAt).toBe('2026-12-02T10:00:00.000Z');
  });

  it('is undefined for a missing or empty directory', () => {
    expect(latestReport(path.join(dir, 'missing'))).toBeUndefined();
    expect(latestReport(dir)).toBeUndefined();
  });
});
