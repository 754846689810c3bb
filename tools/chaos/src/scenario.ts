import type { AccountingReport } from '@tenant-analytics/pipeline-harness';
import { ChaosPipeline, type ChaosPipelineOptions, type PipelineOutcome, type SuiteSettings } from './chaos-pipeline';

/** One property a scenario asserts. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A row of the report: what a scenario sent, what came out, and whether every check held. */
export interface ScenarioResult {
  readonly id: string;
  /** `1 upstream faults`, … */
  readonly title: string;
  /** Records accepted on the jobs stream. */
  readonly events: number;
  /** Lines in the S3 sink. */
  readonly enriched: number;
  readonly deadLettersByReason: Readonly<Record<string, number>>;
  /** Extra copies of an eventID in S3, plus events applied twice. */
  readonly duplicatesFound: number;
  readonly counterMismatches: number;
  /** Largest end-to-end lag of an enriched event (`processedAt − sentAt`); null when none. */
  readonly maxLagMs: number | null;
  readonly verdict: 'PASS' | 'FAIL';
  readonly checks: readonly Check[];
  /** Measurements and observations worth reading (not pass/fail). */
  readonly notes: readonly string[];
  readonly durationMs: number;
  /** The first discrepancies of each kind, for diagnosis. */
  readonly discrepancies?: Readonly<Record<string, readonly unknown[]>>;
}

/** A scenario of the suite. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  run(settings: SuiteSettings): Promise<ScenarioResult>;
}

/** What a scenario body hands back: its outcome (from {@link ChaosPipeline.finish}) and its own checks. */
export interface ScenarioBodyResult {
  readonly outcome: PipelineOutcome;
  readonly checks?: readonly Check[];
  readonly notes?: readonly string[];
}

const SAMPLES = 10;

/** Checks every scenario makes on its outcome (ARCHITECTURE.md §3 guarantees). */
export function accountingChecks(outcome: PipelineOutcome): Check[] {
  const { accounting: report, lastRunner } = outcome;
  const lost = report.missing.length;
  const wrong = report.wrongOutcome.length + report.surplus.length + report.unexpected.enriched.length + report.unexpected.deadLetters.length;
  const mismatches = report.counters?.mismatches ?? [];
  return [
    {
      name: 'every record accounted for',
      ok: lost === 0 && wrong === 0,
      detail: `${report.records} records: ${lost} missing, ${report.wrongOutcome.length} wrong outcome, ${report.surplus.length} surplus, ${report.unexpected.enriched.length + report.unexpected.deadLetters.length} unexpected outputs; ${report.duplicatesSkipped} duplicate copies skipped`,
    },
    {
      name: 'no duplicates in S3',
      ok: report.duplicatesInS3.length === 0 && report.appliedTwice.length === 0,
      detail: `${report.duplicatesInS3.length} eventIDs on several S3 lines, ${report.appliedTwice.length} events applied twice`,
    },
    {
      name: 'counters equal the recomputation',
      ok: mismatches.length === 0,
      detail: `${report.counters?.companies ?? 0} companies, ${mismatches.length} mismatches${mismatches.length > 0 ? ` e.g. ${mismatches.slice(0, 3).map((m) => `${m.companyID} ${m.actual}≠${m.expected}`).join(', ')}` : ''}`,
    },
    {
      name: 'enriched job30/job90 are running counts',
      ok: report.rollingCounts.mismatches.length === 0,
      detail: `${report.rollingCounts.checked} consecutive same-day pairs checked, ${report.rollingCounts.mismatches.length} off`,
    },
    {
      name: 'output stream holds every S3 record',
      ok: report.stream !== undefined && report.stream.missing.length === 0 && report.stream.unexpected.length === 0,
      detail: `${report.stream?.missing.length ?? '?'} missing, ${report.stream?.unexpected.length ?? '?'} unexpected, ${report.stream?.redelivered ?? '?'} redelivered (allowed)`,
    },
    {
      name: 'runner drained on SIGTERM',
      ok: lastRunner.clean,
      detail: `exit code ${lastRunner.code ?? 'none'}, signal ${lastRunner.signal ?? 'none'}`,
    },
  ];
}

function duplicatesFound(report: AccountingReport): number {
  const inS3 = new Set(report.duplicatesInS3.map(({ eventID }) => `event:${eventID}`));
  return report.duplicatesInS3.reduce((sum, { copies }) => sum + copies - 1, 0) + report.appliedTwice.filter((key) => !inS3.has(key)).length;
}

function discrepancies(outcome: PipelineOutcome): Record<string, readonly unknown[]> {
  const report = outcome.accounting;
  const all: Record<string, readonly unknown[]> = {
    missing: report.missing,
    wrongOutcome: report.wrongOutcome,
    surplus: report.surplus,
    duplicatesInS3: report.duplicatesInS3,
    appliedTwice: report.appliedTwice,
    unexpectedEnriched: report.unexpected.enriched,
    unexpectedDeadLetters: report.unexpected.deadLetters,
    streamMissing: report.stream?.missing ?? [],
    streamUnexpected: report.stream?.unexpected ?? [],
    counterMismatches: report.counters?.mismatches ?? [],
    rollingCountMismatches: report.rollingCounts.mismatches,
    mismatchedStates: outcome.mismatchedStates,
  };
  return Object.fromEntries(Object.entries(all).filter(([, list]) => list.length > 0).map(([name, list]) => [name, list.slice(0, SAMPLES)]));
}

/** The report row of a scenario that ran to its end. */
export function scenarioResult(meta: Pick<Scenario, 'id' | 'title'>, body: ScenarioBodyResult, startedAtMs: number): ScenarioResult {
  const { accounting: report, stats } = body.outcome;
  const checks = [...accountingChecks(body.outcome), ...(body.checks ?? [])];
  const found = discrepancies(body.outcome);
  return {
    ...meta,
    events: report.records,
    enriched: report.enriched,
    deadLettersByReason: { ...report.deadLettersByReason },
    duplicatesFound: duplicatesFound(report),
    counterMismatches: report.counters?.mismatches.length ?? 0,
    maxLagMs: stats.latencyMs?.max ?? null,
    verdict: checks.every((check) => check.ok) ? 'PASS' : 'FAIL',
    checks,
    notes: body.notes ?? [],
    durationMs: Date.now() - startedAtMs,
    ...(Object.keys(found).length > 0 ? { discrepancies: found } : {}),
  };
}

/** The report row of a scenario that could not finish (the pipeline did not drain, a mock refused…). */
export function abortedResult(meta: Pick<Scenario, 'id' | 'title'>, error: unknown, events: number, startedAtMs: number): ScenarioResult {
  return {
    ...meta,
    events,
    enriched: 0,
    deadLettersByReason: {},
    duplicatesFound: 0,
    counterMismatches: 0,
    maxLagMs: null,
    verdict: 'FAIL',
    checks: [{ name: 'scenario ran to its end', ok: false, detail: error instanceof Error ? error.message : String(error) }],
    notes: [],
    durationMs: Date.now() - startedAtMs,
  };
}

/**
 * Runs a scenario body on its own fresh pipeline and turns what happened into a report row; the
 * pipeline is stopped whatever happens, and an error becomes a FAIL row rather than an exception.
 */
export async function runOnPipeline(
  meta: Pick<Scenario, 'id' | 'title'>,
  settings: SuiteSettings,
  options: ChaosPipelineOptions,
  body: (pipeline: ChaosPipeline) => Promise<ScenarioBodyResult>,
): Promise<ScenarioResult> {
  const startedAtMs = Date.now();
  settings.progress(`${meta.title}: starting the pipeline`);
  let pipeline: ChaosPipeline | undefined;
  try {
    pipeline = await ChaosPipeline.start(meta.id, settings, options);
    const result = scenarioResult(meta, await body(pipeline), startedAtMs);
    settings.progress(`${meta.title}: ${result.verdict} in ${Math.round(result.durationMs / 1000)} s`);
    return result;
  } catch (error) {
    settings.progress(`${meta.title}: aborted: ${error instanceof Error ? error.message : String(error)}`);
    return abortedResult(meta, error, pipeline?.records.length ?? 0, startedAtMs);
  } finally {
    await pipeline?.stop();
  }
}

/** A check from a condition. */
export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}
