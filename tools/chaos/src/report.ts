import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CapturedLine } from './log-scan';
import type { ScenarioResult } from './scenario';

/** Everything one run of the suite found: the JSON report. */
export interface SuiteReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly kinesisBackend: string;
  readonly seed: number;
  readonly node: string;
  readonly results: readonly ScenarioResult[];
  readonly verdict: 'PASS' | 'FAIL';
}

const HEADERS = ['scenario', 'events', 'enriched', 'dead-lettered by reason', 'duplicates found', 'counter mismatches', 'max lag', 'verdict'] as const;

/** `46: out-of-range 17, bad-type 9, …`, most frequent first; `0` when none. */
export function formatReasons(byReason: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byReason).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  return total === 0 ? '0' : `${total}: ${entries.map(([reason, count]) => `${reason} ${count}`).join(', ')}`;
}

/** `850 ms`, `12.3 s`, or `-` when unknown. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

function rows(results: readonly ScenarioResult[]): string[][] {
  return results.map((result) => [
    result.title,
    String(result.events),
    String(result.enriched),
    formatReasons(result.deadLettersByReason),
    String(result.duplicatesFound),
    String(result.counterMismatches),
    formatMs(result.maxLagMs),
    result.verdict,
  ]);
}

/** The results as an aligned plain-text table (what `npm run chaos` prints). */
export function formatTable(results: readonly ScenarioResult[]): string {
  const table = [[...HEADERS], ...rows(results)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ').trimEnd();
  return [line(table[0] ?? []), widths.map((width) => '-'.repeat(width)).join('-|-'), ...table.slice(1).map(line)].join('\n');
}

/** The report as Markdown: the table, then each scenario's checks and notes. */
export function formatMarkdown(report: SuiteReport): string {
  const escape = (cell: string): string => cell.replaceAll('|', '\\|');
  const lines = [
    `# Reliability suite: ${report.verdict}`,
    '',
    `Started ${report.startedAt}, finished ${report.finishedAt}; Kinesis backend ${report.kinesisBackend}, seed ${report.seed}, Node ${report.node}.`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...rows(report.results).map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  for (const result of report.results) {
    lines.push('', `## ${result.title}: ${result.verdict} (${formatMs(result.durationMs)})`, '');
    for (const { name, ok, detail } of result.checks) lines.push(`- ${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
    for (const note of result.notes) lines.push(`- note: ${note}`);
    if (result.discrepancies !== undefined) lines.push('', '```json', JSON.stringify(result.discrepancies, null, 2), '```');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `chaos-<timestamp>.json` and `.md` into `dir`, and the captured log lines as
 * `chaos-<timestamp>.log` (`<source> <line>`, for diagnosis; local test secrets included, see the
 * security scenario); returns the paths.
 */
export function writeReports(dir: string, report: SuiteReport, logs: readonly CapturedLine[] = []): { readonly json: string; readonly markdown: string; readonly log: string } {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `chaos-${report.startedAt.replace(/[:.]/g, '-')}`);
  const files = { json: `${base}.json`, markdown: `${base}.md`, log: `${base}.log` };
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.markdown, formatMarkdown(report));
  writeFileSync(files.log, logs.map(({ source, line }) => `${source} ${line}\n`).join(''));
  return files;
}
