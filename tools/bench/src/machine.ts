import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Where a benchmark ran: results are only comparable on the same kind of machine. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuMhz?: number;
  /** Logical CPUs the OS reports. */
  readonly cores: number;
  readonly memoryGb: number;
  readonly nodeVersion: string;
  /** V8 heap-size flags the process runs with (`npm run bench` sets the deployed processor's young generation). */
  readonly heapFlags?: readonly string[];
  readonly platform: string;
}

/** The heap-size flags among a process's Node options (`--max-semi-space-size=64`, …). */
export function heapFlagsOf(execArgv: readonly string[]): string[] {
  return execArgv.filter((argument) => /^--(max|min)[-_](semi|old)[-_]space[-_]size=/.test(argument));
}

/** The 1, 5 and 15 minute load averages (runnable processes), as `/proc/loadavg` gives them. */
export type LoadAverage = readonly [number, number, number];

/**
 * The first `model name` and `cpu MHz` of a `/proc/cpuinfo` text; undefined fields when absent
 * (other platforms, containers that hide them).
 */
export function parseCpuInfo(text: string): { model?: string; mhz?: number } {
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(text)?.[1]?.trim();
  const model = field('model name');
  const mhz = Number(field('cpu MHz'));
  return { ...(model === undefined ? {} : { model }), ...(Number.isFinite(mhz) && mhz > 0 ? { mhz: Math.round(mhz) } : {}) };
}

/** This machine: CPU model from `/proc/cpuinfo` (falls back to Node's report), cores, memory, Node. */
export function readMachineInfo(): MachineInfo {
  let cpuInfo: { model?: string; mhz?: number } = {};
  try {
    cpuInfo = parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    // not Linux: Node's own report below is all there is
  }
  return {
    cpuModel: cpuInfo.model ?? os.cpus()[0]?.model ?? 'unknown',
    ...(cpuInfo.mhz === undefined ? {} : { cpuMhz: cpuInfo.mhz }),
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    nodeVersion: process.version,
    heapFlags: heapFlagsOf(process.execArgv),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

/** The load averages now: other work on the machine makes figures noisy, so each result keeps them. */
export function readLoadAverage(): LoadAverage {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg().map((value) => Math.round(value * 100) / 100);
  return [one, five, fifteen];
}
