import { METRIC_KEYS, type CvResults, type MetricRow } from '../train/cv-results.ts';

const HEADINGS: Record<(typeof METRIC_KEYS)[number], string> = {
  accuracy: 'Accuracy',
  sensitivity: 'Sensitivity',
  specificity: 'Specificity',
  precision: 'Precision',
  f1: 'F1',
  auc: 'AUC',
};

const percent = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : (100 * v).toFixed(2));

/**
 * The per-fold table in the layout of the paper's Tables 6–8: one row per fold, then the mean
 * and the sample standard deviation; every score in percent (AUC too, to share the layout).
 */
export function formatCvTable(results: CvResults): string {
  const { settings, folds, summary } = results;
  const columns = ['Fold', 'Images', ...METRIC_KEYS.map((key) => HEADINGS[key])];
  const row = (first: string, images: string, scores: Partial<MetricRow>) => [first, images, ...METRIC_KEYS.map((key) => percent(scores[key]))];
  const rows = [
    ...folds.map((fold, f) => row(String(f + 1), String(fold.images.length), fold.result?.metrics ?? {})),
    row('Mean', '', summary.mean),
    row('SD', '', summary.sd),
  ];
  const widths = columns.map((heading, c) => Math.max(heading.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const title =
    `Patient-grouped ${settings.folds}-fold cross-validation: ${settings.net}, ${settings.recipe} recipe, ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}, ` +
    `${settings.size}×${settings.size}, seed ${settings.seed}${settings.deal === settings.seed ? '' : `, folds dealt by seed ${settings.deal}`}; ${results.selection}. Scores in %, SD over folds (n − 1).`;
  return [title, line(columns), ...rows.slice(0, -2).map(line), '-'.repeat(line(columns).length), ...rows.slice(-2).map(line)].join('\n');
}
