import {
  advanceWatermark,
  addJobEvents,
  applyLookupProfile,
  applySnapshot,
  isApplied,
  pruneLegacyDigests,
  type CompanyState,
} from './company-state';
import type { CompanyCommit } from './pending-batch';

/** The dedupe window (`dedupe.window.minutes`): how long a lane remembers producer event ids. */
export interface DedupeSettings {
  readonly windowMs: number;
}

/** What applying a commit did. */
export interface CommitResult {
  /** The new state, or undefined when the commit changes nothing (already applied, stale snapshot). */
  readonly next?: CompanyState;
  readonly staleSnapshots: number;
  readonly appliedSnapshots: number;
}

/**
 * Applies one pending batch's commit for a company to its current state: pure, so that the store
 * can retry it on a version conflict against fresher state.
 *
 * Job events are applied at most once: a job at or below the company's watermark for the lane is
 * skipped (a replay, or an overlapping processor finishing an older batch after a newer one).
 */
export function applyCommit(state: CompanyState, commit: CompanyCommit, laneId: string, nowMs: number, dedupe: DedupeSettings): CommitResult {
  let next = state;
  let staleSnapshots = 0;
  let appliedSnapshots = 0;
  for (const snapshot of commit.snapshots ?? []) {
    const result = applySnapshot(next, snapshot.profile, snapshot.asOf);
    if (result.outcome === 'stale') staleSnapshots += 1;
    else appliedSnapshots += 1;
    next = result.state;
  }
  // Each job is guarded on its own: whatever state this meets (a replay, or a commit finished late
  // by an overlapping processor after newer commits), a job at or below the watermark is not re-applied.
  const jobs = (commit.jobs ?? []).filter((job) => !isApplied(next, laneId, job.sequenceNumber));
  if (jobs.length > 0) {
    if (commit.lookup !== undefined) next = applyLookupProfile(next, commit.lookup.profile, commit.lookup.asOf);
    if (next.profile === undefined) throw new Error(`commit of jobs for company ${commit.companyID}, which has no profile: a commit needs a profile`);
    next = addJobEvents(next, jobs);
    next = completeJobsCommit(next, jobs.length === commit.jobs?.length ? commit : { ...commit, jobs }, laneId, nowMs, dedupe);
  }
  return { next: next === state ? undefined : next, staleSnapshots, appliedSnapshots };
}

/**
 * The end of applying a commit's jobs, once they are in the buckets (and a looked-up profile is
 * set): advances the lane's watermark to the last one, keeps the last score, and drops legacy
 * remembered ids that left the window (producer ids now live in the lane's dedupe window). The
 * core calls it directly on the state it already advanced event by event while computing the
 * batch, so a commit's jobs are not applied twice.
 */
export function completeJobsCommit(withJobs: CompanyState, commit: CompanyCommit, laneId: string, nowMs: number, dedupe: DedupeSettings): CompanyState {
  const jobs = commit.jobs ?? [];
  const last = jobs.at(-1);
  if (last === undefined) return withJobs;
  const pruned = pruneLegacyDigests(withJobs, nowMs, dedupe.windowMs);
  const watermarks = advanceWatermark(pruned.watermarks, laneId, last.sequenceNumber);
  if (commit.lastScore !== undefined) return { ...pruned, watermarks, lastScore: commit.lastScore };
  return watermarks === pruned.watermarks ? pruned : { ...pruned, watermarks };
}
