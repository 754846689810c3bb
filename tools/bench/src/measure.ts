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
