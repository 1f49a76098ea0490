import { BN_STATISTICS, type BnStatistics } from '../train/population-statistics.ts';

/** --bn-stats's help lines, its description starting at `column` as the command's others do. */
export const bnStatsHelp = (column: number): string =>
  [
    'population (the default): the BN layers\' statistics for inference are re-estimated',
    'over the training images as they are, without augmentation, after training (and after',
    'each validated epoch), as MATLAB does; moving: the running averages kept in training',
    '(momentum 0.1: mostly the last few augmented batches), the default before 2026-11-27',
  ].map((line, i) => (i ? ' '.repeat(column) : '  --bn-stats'.padEnd(column)) + line).join('\n');

/** --bn-stats: 'population' unless given. */
export function bnStatsFlag(text: string | undefined): BnStatistics {
  const value = text ?? 'population';
  if (!(BN_STATISTICS as readonly string[]).includes(value)) throw new Error(`--bn-stats must be ${BN_STATISTICS.join(' or ')}, got "${text}"`);
  return value as BnStatistics;
}
