import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { REPO_ROOT } from '@tenant-analytics/local-stack';
import { z } from 'zod';
import { formatDecimal, formatPercent, renderTextTable } from '../table';

// `npm run bench -- --profile` and `--summarize-profile <file>`: CPU profiles of the measured
// parts (scenarios 1 and 2 in process, the processor's runner process in scenario 3) and their hot
// spots. Everything the two flags need is in this file and the preload beside it.

/** The V8 CPU profile format, as `node --cpu-prof` and the inspector's `Profiler.stop` write it. */
export const cpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number(), columnNumber: z.number() }),
      hitCount: z.number().optional(),
      children: z.array(z.number()).optional(),
    }),
  ),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()).optional(),
  timeDeltas: z.array(z.number()).optional(),
});
export type CpuProfile = z.infer<typeof cpuProfileSchema>;

/** Where time went: one function, or one file. */
export interface HotSpot {
  /** `function (file)` or a file path. */
  readonly name: string;
  /** Milliseconds (self time, or total time for stages). */
  readonly ms: number;
  /** Share of the profile's sampled time (idle excluded). */
  readonly share: number;
}

/** The self time of each profile node (µs): from the sample timeline, or hit counts when absent. */
function selfTimeByNode(profile: CpuProfile): Map<number, number> {
  const selfUs = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (samples !== undefined && timeDeltas !== undefined && samples.length === timeDeltas.length) {
    // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta.
    samples.forEach((nodeId, index) => selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + Math.max(0, timeDeltas[index + 1] ?? 0)));
    return selfUs;
  }
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const perHitUs = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
  for (const node of profile.nodes) selfUs.set(node.id, (node.hitCount ?? 0) * perHitUs);
  return selfUs;
}

/** A source URL as a short path: repository-relative, or `node_modules/<pkg>/…`, or `node:…`. */
export function shortenUrl(url: string, root: string): string {
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const inModules = file.lastIndexOf('node_modules/');
  if (inModules >= 0) return file.slice(inModules);
  return file.startsWith(root) ? path.relative(root, file) : file;
}

/** The display name of a call frame, and its file. */
function frameName(callFrame: CpuProfile['nodes'][number]['callFrame'], root: string): { name: string; file: string } {
  const { functionName, url, lineNumber, columnNumber } = callFrame;
  if (url === '') return { name: functionName, file: '(native)' };
  const file = shortenUrl(url, root);
  // Named functions are named by file; anonymous ones need their position (of the code V8 ran:
  // tsx strips whitespace, so it is a column of the transpiled module, not of the source).
  const name = functionName === '' ? `(anonymous) (${file}:${lineNumber + 1}:${columnNumber + 1})` : `${functionName} (${file})`;
  return { name, file };
}

/** The hot spots of a profile: where self time went, and which of our functions it went under. */
export interface ProfileSummary {
  /** Self time by function. */
  readonly functions: HotSpot[];
  /** Self time by file. */
  readonly files: HotSpot[];
  /** Total (inclusive) time of functions in repository files: the cost of each stage with what it calls. */
  readonly stages: HotSpot[];
  readonly sampledMs: number;
}

/**
 * The top functions and files of a profile. Idle time is left out; garbage collection and
 * `(program)` (V8 and native code) stay in, since they are part of the cost.
 */
export function summarizeCpuProfile(profile: CpuProfile, options: { readonly top?: number; readonly root?: string } = {}): ProfileSummary {
  const top = options.top ?? 15;
  const root = options.root ?? process.cwd();
  const selfUs = selfTimeByNode(profile);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (totals: Map<string, number>, key: string, us: number) => totals.set(key, (totals.get(key) ?? 0) + us);
  let totalUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0 || node.callFrame.functionName === '(idle)') continue;
    totalUs += us;
    const { name, file } = frameName(node.callFrame, root);
    add(byFunction, name, us);
    add(byFile, file, us);
    // Charge every distinct repository function on the stack once (recursion counts once).
    const onStack = new Set<string>();
    for (let current: number | undefined = node.id; current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current)?.callFrame;
      if (frame === undefined || frame.url === '' || frame.url.includes('node_modules/') || frame.url.startsWith('node:')) continue;
      onStack.add(frameName(frame, root).name);
    }
    for (const name of onStack) add(inclusive, name, us);
  }
  const ranked = (totals: Map<string, number>): HotSpot[] =>
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1_000, share: totalUs > 0 ? us / totalUs : 0 }));
  return { functions: ranked(byFunction), files: ranked(byFile), stages: ranked(inclusive), sampledMs: totalUs / 1_000 };
}

/** Reads and validates a `.cpuprofile` file. */
export function readCpuProfile(file: string): CpuProfile {
  return cpuProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * Runs `task` under the V8 sampling profiler of this process (what `node --cpu-prof` records, but
 * only around the measured part, not start-up and warm-up).
 */
export async function withCpuProfile<T>(task: () => Promise<T>, samplingIntervalUs = 200): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  try {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await post('Profiler.start');
    const result = await task();
    const stopped = z.object({ profile: cpuProfileSchema }).parse(await post('Profiler.stop'));
    return { result, profile: stopped.profile };
  } finally {
    session.disconnect();
  }
}

/** Hot spots of a profiled run, and where its profile file is. */
export interface ProfileReport {
  /** Relative to the repository root (result files travel). */
  readonly file: string;
  readonly functions: readonly HotSpot[];
  readonly files: readonly HotSpot[];
  readonly stages: readonly HotSpot[];
}

/** Runs `task` under the CPU profiler, writes `<dir>/<name>.cpuprofile` and summarizes it. */
export async function profileRun(dir: string, name: string, task: () => Promise<unknown>): Promise<ProfileReport> {
  const { profile } = await withCpuProfile(task);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const summary = summarizeCpuProfile(profile, { top: 12 });
  return { file: path.relative(REPO_ROOT, file), functions: summary.functions, files: summary.files, stages: summary.stages };
}

/**
 * The hot spots of the largest `.cpuprofile` in `dir` (a process writes one per pid; the biggest is
 * the one that did the work), or undefined when there is none.
 */
export function largestProfileIn(dir: string): ProfileReport | undefined {
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  } catch {
    return undefined; // no profile was written (the process did not exit normally)
  }
  const largest = files.map((name) => path.join(dir, name)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (largest === undefined) return undefined;
  const summary = summarizeCpuProfile(readCpuProfile(largest), { top: 12 });
  return { file: path.relative(REPO_ROOT, largest), functions: summary.functions, files: summary.files, stages: summary.stages };
}

/** Preloaded into a child process to profile it: `--cpu-prof` is not allowed in NODE_OPTIONS. */
const PROFILE_PRELOAD = path.join(__dirname, 'cpu-profile-preload.cjs');

/** Environment that makes a Node child write a CPU profile into `dir` on exit; none without a folder. */
export function profilingEnv(dir: string | undefined): Record<string, string> {
  if (dir === undefined) return {};
  return { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --require ${PROFILE_PRELOAD}`.trim(), BENCH_CPU_PROFILE_DIR: dir };
}

function hotSpotTable(title: string, spots: readonly HotSpot[]): string {
  return renderTextTable({
    columns: [{ title }, { title: 'ms', align: 'right' }, { title: 'share', align: 'right' }],
    rows: spots.map((spot) => [spot.name, formatDecimal(spot.ms, 1), formatPercent(spot.share)]),
  });
}

/** The hot spots of a `.cpuprofile` file as text tables: by function, by file, and our functions inclusive. */
export function renderProfileSummary(file: string): string {
  const summary = summarizeCpuProfile(readCpuProfile(file), { top: 20 });
  return [
    `${file}: ${formatDecimal(summary.sampledMs, 0)} ms sampled (idle excluded)\n`,
    `${hotSpotTable('self time by function', summary.functions)}\n`,
    `${hotSpotTable('self time by file', summary.files)}\n`,
    hotSpotTable('total time of our functions (with what they call)', summary.stages),
  ].join('\n');
}
