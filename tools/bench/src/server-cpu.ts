/** A server process tree's CPU over one measured round, and what the client sent it in that round. */
export interface ServerCpuRound {
  /** The server tree's user + system CPU over the round, in ms. */
  readonly cpuMs: number;
  /** The round's wall-clock time, in ms. */
  readonly wallMs: number;
  readonly calls: number;
  /** Companies the calls carried (a call scores one or more). */
  readonly companies: number;
}

/** What a server's CPU costs per unit of work, over the measured rounds of one design. */
export interface ServerCpuFigures {
  /** Mean CPU ms per round. */
  readonly cpuMsPerRound: number;
  /** CPU µs per company scored; undefined when no company was sent. */
  readonly microsPerCompany: number | undefined;
  /** CPU µs per call; undefined when no call was made. */
  readonly microsPerCall: number | undefined;
  /** CPU time / wall time: 1 = one core busy all the time. */
  readonly coresUsed: number;
  /** Companies per second one core of the server could score at `microsPerCompany`; undefined when that is not positive. */
  readonly companiesPerCoreSecond: number | undefined;
}

/**
 * A server's CPU per company, per call and in cores, over the rounds of one design. Totals over
 * the rounds, not medians of rounds: the kernel charges CPU in 10 ms ticks, which a short round's
 * few hundred ms would show as a step of several percent.
 *
 * @returns undefined when there are no rounds (the CPU could not be read)
 */
export function serverCpuFigures(rounds: readonly ServerCpuRound[]): ServerCpuFigures | undefined {
  if (rounds.length === 0) return undefined;
  const total = (field: keyof ServerCpuRound) => rounds.reduce((sum, round) => sum + round[field], 0);
  const cpuMs = total('cpuMs');
  const wallMs = total('wallMs');
  const calls = total('calls');
  const companies = total('companies');
  const microsPerCompany = companies > 0 ? (cpuMs * 1_000) / companies : undefined;
  return {
    cpuMsPerRound: cpuMs / rounds.length,
    microsPerCompany,
    microsPerCall: calls > 0 ? (cpuMs * 1_000) / calls : undefined,
    coresUsed: wallMs > 0 ? cpuMs / wallMs : 0,
    companiesPerCoreSecond: microsPerCompany !== undefined && microsPerCompany > 0 ? 1e6 / microsPerCompany : undefined,
  };
}
