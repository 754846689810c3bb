import type { SeedCompaniesSummary } from '../seed-companies';
import type { SendSummary } from '../send-job-events';

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function seconds(ms: number): string {
  return `${number.format(ms / 1000)} s`;
}

function counts(entries: Readonly<Record<string, number | undefined>>): string {
  const parts = Object.entries(entries)
    .filter((entry): entry is [string, number] => entry[1] !== undefined)
    .sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b))
    .map(([name, count]) => `${name} ${number.format(count)}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** The human-readable summary of a send run. */
export function formatSendSummary(summary: SendSummary): string {
  const target = summary.targetRatePerSecond === null ? 'unlimited' : `${number.format(summary.targetRatePerSecond)}/s`;
  const lines = [
    `Run ${summary.runId} → ${summary.streamName} (${summary.format}, seed ${summary.seed})${summary.interrupted ? ' — INTERRUPTED' : ''}`,
    `  sent           ${number.format(summary.sent)} of ${number.format(summary.requested)} records in ${seconds(summary.durationMs)}`,
    `  accepted       ${number.format(summary.accepted)}  (not accepted ${number.format(summary.rejected)}, retried entries ${number.format(summary.retriedEntries)}, PutRecords calls ${number.format(summary.putRecordsCalls)})`,
    `  rate           target ${target}, achieved ${number.format(summary.achievedRatePerSecond)}/s, max schedule lag ${number.format(summary.maxScheduleLagMs)} ms`,
    `  valid          ${number.format(summary.valid)}  (out of order ${number.format(summary.outOfOrder)})`,
    `  duplicates     ${number.format(summary.duplicates)}`,
    `  invalid        ${number.format(summary.invalid.total)}${counts(summary.invalid.byReason)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The human-readable summary of a seeding run. */
export function formatSeedSummary(summary: SeedCompaniesSummary): string {
  return [
    `Seeded ${number.format(summary.accepted)} of ${number.format(summary.size)} company snapshots → ${summary.streamName} (seed ${summary.seed}, asOf ${summary.asOf}) in ${seconds(summary.durationMs)}`,
    `  retried entries ${number.format(summary.retriedEntries)}, not accepted ${number.format(summary.rejected)}, PutRecords calls ${number.format(summary.putRecordsCalls)}`,
    '',
  ].join('\n');
}
