import type { ClassificationMetrics } from './metrics';
import type { EvaluationReport, MetricsReport } from './training-run';

const ROWS: readonly (readonly [string, (metrics: ClassificationMetrics) => string])[] = [
  ['rows', (m) => String(m.count)],
  ['accuracy', (m) => m.accuracy.toFixed(4)],
  ['precision', (m) => m.precision.toFixed(4)],
  ['recall', (m) => m.recall.toFixed(4)],
  ['AUC', (m) => m.auc.toFixed(4)],
  ['log loss', (m) => m.logLoss.toPrecision(3)],
  ['TP / FP / TN / FN', (m) => `${m.truePositives} / ${m.falsePositives} / ${m.trueNegatives} / ${m.falseNegatives}`],
];

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** The evaluation as a Markdown table: one column per data slice (the README's metrics table). */
export function formatEvaluationTable(report: EvaluationReport): string {
  const columns: readonly (readonly [string, ClassificationMetrics])[] = [
    ['held-out', report.heldOut],
    ['held-out, as generated', report.heldOutBySegment.asGenerated],
    ['held-out, grown', report.heldOutBySegment.grown],
    [`tenant data set (seed ${report.tenantDataset.seed})`, report.tenantDataset.metrics],
  ];
  return markdownTable(
    ['metric', ...columns.map(([name]) => name)],
    ROWS.map(([name, format]) => [name, ...columns.map(([, metrics]) => format(metrics))]),
  );
}

/** The candidates' held-out metrics as a Markdown table: one row per model. */
export function formatComparisonTable(report: MetricsReport): string {
  return markdownTable(
    ['model', ...ROWS.map(([name]) => name)],
    report.candidates.map((candidate) => [candidate.model, ...ROWS.map(([, format]) => format(candidate.heldOut))]),
  );
}
