import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TargetVerdict } from './bounds';
import type { LoadAverage, MachineInfo } from './machine';
import type { ProfileReport } from './diagnostics/cpu-profile';
import { renderMarkdownTable, renderTextTable, type Table } from './table';

/** The three scenarios of ARCHITECTURE.md §7, and the cost of the state layer (issue #11). */
export const SCENARIO_IDS = ['1', '2', '3', '4'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** What one scenario measured: a table comparing the designs, the targets and the raw figures. */
export interface ScenarioResult {
  readonly id: ScenarioId;
  readonly title: string;
  /** What was run: sizes, latency, batch sizes, emulator. */
  readonly parameters: Readonly<Record<string, string | number | boolean>>;
  readonly table: Table;
  /** Further tables after the main one (scenario 4: the monthly bill and the price list). */
  readonly extraTables?: readonly { readonly title: string; readonly table: Table }[];
  readonly targets: readonly TargetVerdict[];
  /** Plain-language observations: bottlenecks, caveats. */
  readonly notes: readonly string[];
  /** The raw numbers behind the table, for later comparison. */
  readonly metrics: Readonly<Record<string, unknown>>;
  /** CPU profiles of the measured part, by design, when `--profile` was given. */
  readonly profiles?: Readonly<Record<string, ProfileReport>>;
  /** Load averages when the scenario started and ended (other work on the machine skews figures). */
  readonly load: { readonly before: LoadAverage; readonly after: LoadAverage };
  readonly durationMs: number;
}

/** One `npm run bench` run. */
export interface BenchRun {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly scenarios: readonly ScenarioResult[];
}

/** `2026-11-25T10-00-05Z` (a file-name-safe UTC timestamp) plus `-quick` for smoke runs. */
export function resultBaseName(startedAt: Date, quick: boolean): string {
  return `${startedAt.toISOString().slice(0, 19).replace(/:/g, '-')}Z${quick ? '-quick' : ''}`;
}

const verdictCell = (met: boolean) => (met ? 'met' : '**missed**');

/** The targets of a scenario as a markdown table. */
function targetsTable(targets: readonly TargetVerdict[]): Table {
  return {
    columns: [{ title: 'target' }, { title: 'measured', align: 'right' }, { title: 'verdict' }],
    rows: targets.map((target) => [target.target, target.measured, verdictCell(target.met)]),
  };
}

const loadText = (load: ScenarioResult['load']) => `load average ${load.before.join(' / ')} before, ${load.after.join(' / ')} after`;

/** One scenario as markdown: heading, parameters, comparison table, targets, notes. */
export function renderScenarioMarkdown(result: ScenarioResult): string {
  const parameters = Object.entries(result.parameters)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
  return [
    `### Scenario ${result.id}: ${result.title}`,
    '',
    `Parameters: ${parameters}. ${loadText(result.load)}; ${Math.round(result.durationMs / 1_000)} s.`,
    '',
    renderMarkdownTable(result.table),
    '',
    ...(result.extraTables ?? []).flatMap((extra) => [`${extra.title}:`, '', renderMarkdownTable(extra.table), '']),
    renderMarkdownTable(targetsTable(result.targets)),
    ...(result.notes.length === 0 ? [] : ['', ...result.notes.map((note) => `- ${note}`)]),
  ].join('\n');
}

/** A whole run as markdown: machine, then each scenario. */
export function renderRunMarkdown(run: BenchRun): string {
  const { machine } = run;
  const heapFlags = machine.heapFlags ?? [];
  return [
    `Run of ${run.startedAt}${run.quick ? ' (quick: small sizes, a smoke test — not for comparison)' : ''}: \`${run.command}\``,
    '',
    `Machine: ${machine.cpuModel}${machine.cpuMhz === undefined ? '' : ` @ ${machine.cpuMhz} MHz`}, ${machine.cores} logical CPUs, ${machine.memoryGb} GB, Node ${machine.nodeVersion}${heapFlags.length === 0 ? '' : ` (${heapFlags.join(' ')})`}, ${machine.platform}.`,
    '',
    ...run.scenarios.flatMap((scenario) => [renderScenarioMarkdown(scenario), '']),
  ]
    .join('\n')
    .trimEnd();
}

/** One scenario for the terminal: title, comparison table, targets with verdicts, notes. */
export function renderScenarioText(result: ScenarioResult): string {
  const targets = result.targets.map((target) => `  ${target.met ? 'MET   ' : 'MISSED'}  ${target.target}: ${target.measured}`);
  return [
    `Scenario ${result.id}: ${result.title}  (${loadText(result.load)})`,
    '',
    renderTextTable(result.table),
    '',
    ...(result.extraTables ?? []).flatMap((extra) => [`${extra.title}:`, '', renderTextTable(extra.table), '']),
    ...targets,
    ...result.notes.map((note) => `  note: ${note}`),
  ].join('\n');
}

/** Writes `<dir>/<base>.json` and `<dir>/<base>.md`; returns their paths. */
export function writeRunFiles(dir: string, run: BenchRun): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, resultBaseName(new Date(run.startedAt), run.quick));
  const json = `${base}.json`;
  const markdown = `${base}.md`;
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(markdown, `${renderRunMarkdown(run)}\n`);
  return { json, markdown };
}

/** Markers around the part of `docs/benchmarks.md` that each full run rewrites. */
export const DOCS_MARKERS = { start: '<!-- bench:latest:start -->', end: '<!-- bench:latest:end -->' } as const;

/**
 * Replaces the text between {@link DOCS_MARKERS} in `document` with `content`; the hand-written
 * rest (how to run, analysis) stays.
 *
 * @throws Error when the markers are missing or out of order
 */
export function replaceLatestSection(document: string, content: string): string {
  const start = document.indexOf(DOCS_MARKERS.start);
  const end = document.indexOf(DOCS_MARKERS.end);
  if (start < 0 || end < start) {
    throw new Error(`the document has no ${DOCS_MARKERS.start} … ${DOCS_MARKERS.end} section to replace`);
  }
  return `${document.slice(0, start + DOCS_MARKERS.start.length)}\n${content.trim()}\n${document.slice(end)}`;
}
