import { describe, expect, it } from 'vitest';
import { ticks } from '../../src/viewer/line-chart.ts';
import { parseTrainingLog } from '../../src/viewer/training-log.ts';

const line = (epoch: number, extra: object = {}) =>
  JSON.stringify({ epoch, loss: 1 / epoch, accuracy: 0.5 + epoch / 100, valAccuracy: 0.6, valLoss: 0.9, lr: 0.01, seconds: 12.5, ...extra });

describe('parseTrainingLog', () => {
  it('reads one record per line, keeping valLoss when present and skipping blank lines', () => {
    const records = parseTrainingLog(`${line(1)}\r\n\n${line(2, { valLoss: undefined, extra: 'ignored' })}\n`, 'run.jsonl');
    expect(records).toEqual([
      { epoch: 1, loss: 1, accuracy: 0.51, valAccuracy: 0.6, valLoss: 0.9, lr: 0.01, seconds: 12.5 },
      { epoch: 2, loss: 0.5, accuracy: 0.52, valAccuracy: 0.6, lr: 0.01, seconds: 12.5 },
    ]);
  });

  it.each([
    ['', 'run.jsonl: no epochs in the training log (an empty file)'],
    [`${line(1)}\n{"epoch": 2,`, 'run.jsonl line 2: not JSON ({"epoch": 2,); a training log has one JSON object per line'],
    ['[1, 2]', 'run.jsonl line 1: not a JSON object'],
    [line(1, { lr: 'fast' }), 'run.jsonl line 1: "lr" is missing or not a finite number'],
    [line(1, { seconds: undefined }), 'run.jsonl line 1: "seconds" is missing or not a finite number'],
    [`${line(2)}\n${line(2)}`, 'run.jsonl line 2: epoch 2 follows epoch 2; epochs must increase'],
  ])('refuses %j with a message naming the file and line', (text, message) => {
    expect(() => parseTrainingLog(text, 'run.jsonl')).toThrow(message);
  });
});

describe('chart ticks', () => {
  it('are round steps of 1, 2 or 5 × 10^k that cover the range', () => {
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(0.13, 0.71)).toEqual([0.2, 0.4, 0.6]);
    expect(ticks(1, 20)).toEqual([5, 10, 15, 20]);
    expect(ticks(3, 3)).toEqual([3]);
  });

  it('end for a range within rounding of one value (a loss logged twice as 0.6931471805599453 and …54), where they looped for ever', () => {
    expect(ticks(0.6931471805599453, 0.6931471805599454)).toEqual([0.6931471805599453]);
    expect(ticks(1e-12, 3e-12)).toEqual([1e-12, 1.5e-12, 2e-12, 2.5e-12, 3e-12]);
  });
});
