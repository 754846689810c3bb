import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The fields of `/proc/<pid>/stat` a CPU account needs. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** User + system time, in ms. */
  readonly cpuMs: number;
}

/**
 * Parses `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may hold spaces or
 * parentheses itself, so fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  if (close < 0 || !Number.isInteger(pid)) return undefined;
  // After ") ": state(3) ppid(4) … utime(14) stime(15): indexes 0, 1, …, 11, 12 of the rest.
  const rest = text.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) return undefined;
  return { pid, ppid, cpuMs: ((utime + stime) * 1_000) / TICKS_PER_SECOND };
}

function readAllStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat !== undefined) stats.push(stat);
    } catch {
      // the process ended between the listing and the read
    }
  }
  return stats;
}

/** CPU time (ms) of each named process tree: the process and all its descendants (tsx runs scripts in a child). */
export function cpuOfProcessTrees(roots: Readonly<Record<string, number>>, stats: readonly ProcStat[]): Record<string, number> {
  const children = new Map<number, number[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  const totals: Record<string, number> = {};
  for (const [name, root] of Object.entries(roots)) {
    let total = 0;
    for (const pending = [root]; pending.length > 0; ) {
      const pid = pending.pop() as number;
      total += byPid.get(pid)?.cpuMs ?? 0;
      pending.push(...(children.get(pid) ?? []));
    }
    totals[name] = total;
  }
  return totals;
}

/**
 * CPU time (ms) of each named process tree now (see {@link cpuOfProcessTrees}); undefined where
 * `/proc` cannot be read (not Linux). Reads every process's stat, so a call costs a few ms: take it
 * outside the span being timed.
 */
export function readProcessTreesCpuMs(roots: Readonly<Record<string, number>>): Record<string, number> | undefined {
  try {
    return cpuOfProcessTrees(roots, readAllStats());
  } catch {
    return undefined; // no /proc: not Linux
  }
}

/**
 * Measures how much CPU named process trees use over a span: `start()` then `stop()` gives each
 * tree's share of one core over the span. Linux only (reads `/proc`); elsewhere every share is 0.
 */
export class ProcessCpuMeter {
  private before: Record<string, number> = {};
  private startedAtMs = 0;

  constructor(private readonly roots: Readonly<Record<string, number>>) {}

  start(): void {
    this.before = this.snapshot();
    this.startedAtMs = performance.now();
  }

  /** Each tree's CPU time over the span divided by the span: 1 = one core busy all the time. */
  stop(): Record<string, number> {
    const after = this.snapshot();
    const spanMs = performance.now() - this.startedAtMs;
    return Object.fromEntries(Object.keys(this.roots).map((name) => [name, spanMs > 0 ? ((after[name] ?? 0) - (this.before[name] ?? 0)) / spanMs : 0]));
  }

  private snapshot(): Record<string, number> {
    return readProcessTreesCpuMs(this.roots) ?? {};
  }
}

/**
 * CPU time (ms) of this process's main thread, the one that runs JavaScript (its thread id is the
 * process id); undefined where `/proc` is missing. GC helper threads, zlib and crypto workers are
 * not in it, so it is what saturates first.
 */
export function mainThreadCpuMs(): number | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8'))?.cpuMs;
  } catch {
    return undefined; // not Linux
  }
}
