/** What every scenario gets from the command line. */
export interface ScenarioContext {
  /** Small sizes: a smoke test of the whole benchmark, not figures to compare. */
  readonly quick: boolean;
  /** When set, the measured part of our design (and the seed's) is CPU-profiled into this folder. */
  readonly profileDir?: string;
  /** Progress lines (stderr), so that stdout keeps only the results. */
  readonly log: (line: string) => void;
}
