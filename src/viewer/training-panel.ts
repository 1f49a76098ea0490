import { lineChart } from './line-chart.ts';
import type { EpochRecord } from './training-log.ts';

const series = (name: string, colour: string, records: EpochRecord[], pick: (r: EpochRecord) => number | undefined) => ({
  name,
  colour,
  points: records.flatMap((r) => (pick(r) === undefined ? [] : [[r.epoch, pick(r)!] as [number, number]])),
});

/** Loss and accuracy per epoch from a training log, with a one-line summary of the run. */
export function renderTrainingLog(container: HTMLElement, records: EpochRecord[], fileName: string): void {
  const best = records.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a));
  const seconds = records.reduce((s, r) => s + r.seconds, 0);
  const summary = document.createElement('p');
  summary.dataset.testid = 'training-summary';
  summary.textContent =
    `${fileName}: ${records.length} epochs; best validation accuracy ${(best.valAccuracy * 100).toFixed(2)} % at epoch ${best.epoch}; ` +
    `learning rate ${records[0].lr} → ${records.at(-1)!.lr}; ${(seconds / 60).toFixed(1)} min in all`;
  const losses = [series('train loss', '#c0392b', records, (r) => r.loss)];
  if (records.some((r) => r.valLoss !== undefined)) losses.push(series('validation loss', '#e67e22', records, (r) => r.valLoss));
  const accuracy = lineChart({
    title: 'Accuracy',
    xLabel: 'epoch',
    yRange: [0, 1],
    series: [series('train', '#2471a3', records, (r) => r.accuracy), series('validation', '#17a589', records, (r) => r.valAccuracy)],
  });
  container.replaceChildren(summary, lineChart({ title: 'Loss', xLabel: 'epoch', series: losses }), accuracy);
}
