import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@tenant-analytics/local-stack';
import { readCpuProfile, summarizeCpuProfile, withCpuProfile, type HotSpot } from './cpu-profile';
import { mainThreadCpuMs } from './process-cpu';
import { microsPerEvent, ratePerSecond, summarize, type Summary } from './statistics';

/** One timed run of a design over a fixed number of events. */
export interface Measurement {
  readonly events: number;
  /** Records the design produced (enriched); a check that it did the work. */
  readonly outputs: number;
  readonly wallMs: number;
  /** CPU time of the whole process (all threads: GC and libuv workers included). */
  readonly cpuMs: number;
  /** CPU time of the JavaScript thread alone (Linux), which is what saturates first. */
  readonly mainThreadCpuMs?: number;
}

/** Times `task` (which handles `events` events and returns how many outputs it produced). */
export async function measure(events: number, task: () => Promise<number>): Promise<Measurement> {
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuMs();
  const started = performance.now();
  const outputs = await task();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const mainAfter = mainThreadCpuMs();
  return {
    events,
    outputs,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1_000,
    ...(mainBefore === undefined || mainAfter === undefined ? {} : { mainThreadCpuMs: mainAfter - mainBefore }),
  };
}

/** The rounds of one design, summarized. */
export interface DesignFigures {
  /** Events per second of wall-clock time, over rounds. */
  readonly eventsPerSecond: Summary;
  /** Wall-clock microseconds per event, over rounds. */
  readonly microsPerEvent: Summary;
  /** CPU microseconds per event (all threads), over rounds: steadier than wall time on a shared machine. */
  readonly cpuMicrosPerEvent: Summary;
  /** CPU microseconds per event of the JavaScript thread; the process-wide figure where it cannot be read. */
  readonly mainThreadMicrosPerEvent: Summary;
  readonly outputs: number;
  readonly events: number;
}

/** Summarizes rounds of one design. @throws RangeError when there are none */
export function designFigures(rounds: readonly Measurement[]): DesignFigures {
  return {
    eventsPerSecond: summarize(rounds.map((round) => ratePerSecond(round.events, round.wallMs))),
    microsPerEvent: summarize(rounds.map((round) => microsPerEvent(round.wallMs, round.events))),
    cpuMicrosPerEvent: summarize(rounds.map((round) => microsPerEvent(round.cpuMs, round.events))),
    mainThreadMicrosPerEvent: summarize(rounds.map((round) => microsPerEvent(round.mainThreadCpuMs ?? round.cpuMs, round.events))),
    outputs: rounds.reduce((sum, round) => sum + round.outputs, 0),
    events: rounds.reduce((sum, round) => sum + round.events, 0),
  };
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
