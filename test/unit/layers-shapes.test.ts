import { describe, expect, it } from 'vitest';
import { batchnormShape } from '../../src/runtime/ops/batchnorm.ts';
import { denseShape } from '../../src/runtime/ops/dense.ts';
import { sgdShape } from '../../src/runtime/ops/sgd.ts';
import { checkLabels, softmaxCrossEntropyShape } from '../../src/runtime/ops/softmax-cross-entropy.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { ShapeError } from '../../src/runtime/shape.ts';
import { outputShapes } from '../../src/runtime/validate.ts';

const shapeError = (f: () => unknown, message: string) => {
  expect(f).toThrow(ShapeError);
  expect(f).toThrow(message);
};

describe('batchnorm shapes', () => {
  const c = [16];
  it('gives [y, saveMean, saveInvStd] in training and [y] in inference', () => {
    expect(batchnormShape([2, 16, 56, 56], c, c, c, c, { training: true })).toEqual([[2, 16, 56, 56], [16], [16]]);
    expect(batchnormShape([1, 16, 56, 56], c, c, c, c, { training: false })).toEqual([[1, 16, 56, 56]]);
    expect(batchnormShape([1, 3, 1, 1], [3], [3], [3], [3], { training: false })).toEqual([[1, 3, 1, 1]]);
  });
  it('names the input and the numbers', () => {
    shapeError(() => batchnormShape([2, 16, 56], c, c, c, c, { training: true }), 'batchnorm: x must have rank 4, got shape [2,16,56]');
    shapeError(() => batchnormShape([2, 16, 8, 8], [8], c, c, c, { training: true }), 'batchnorm: gamma must have shape [16] (the channels of x [2,16,8,8]), got [8]');
    shapeError(() => batchnormShape([2, 16, 8, 8], c, c, c, [16, 1], { training: true }), 'batchnorm: runningVar must have shape [16] (the channels of x [2,16,8,8]), got [16,1]');
  });
  it('refuses one value per channel in training (no variance to estimate)', () => {
    shapeError(() => batchnormShape([1, 4, 1, 1], [4], [4], [4], [4], { training: true }), 'batchnorm: training needs more than 1 value per channel to estimate a variance, x [1,4,1,1] has 1');
  });
  it('checks its attributes', () => {
    shapeError(() => batchnormShape([2, 16, 8, 8], c, c, c, c, {} as never), 'batchnorm: attribute training must be true or false, got undefined');
    shapeError(() => batchnormShape([2, 16, 8, 8], c, c, c, c, { training: true, eps: 0 }), 'batchnorm: eps must be a positive number, got 0');
    shapeError(() => batchnormShape([2, 16, 8, 8], c, c, c, c, { training: true, momentum: 1.5 }), 'batchnorm: momentum must be in [0, 1], got 1.5');
  });
  it('is what the backends call, with the input count checked first', () => {
    shapeError(() => outputShapes(getOp('batchnorm'), [[2, 16, 8, 8], c, c], { training: true }), 'batchnorm: expects 5 inputs');
  });
});

describe('dense shapes', () => {
  it('gives y [N,M]', () => {
    expect(denseShape([4, 320], [2, 320], [2])).toEqual([[4, 2]]);
  });
  it('names the input and the numbers', () => {
    shapeError(() => denseShape([4, 320], [2, 321], [2]), 'dense: w [2,321] must have 320 columns (the features of x [4,320]), got 321');
    shapeError(() => denseShape([4, 320], [2, 320], [3]), 'dense: b must have shape [2] (the rows of w [2,320]), got [3]');
    shapeError(() => denseShape([4, 5, 64], [2, 320], [2]), 'dense: x must have rank 2, got shape [4,5,64]');
    shapeError(() => denseShape([0, 320], [2, 320], [2]), 'dense: x has a dimension that is not a positive integer: [0,320]');
  });
});

describe('softmax_cross_entropy shapes and labels', () => {
  it('gives [loss [1], probs [N,K]]', () => {
    expect(softmaxCrossEntropyShape([8, 2], [8], [2])).toEqual([[1], [8, 2]]);
  });
  it('names the input and the numbers', () => {
    shapeError(() => softmaxCrossEntropyShape([8, 2], [7], [2]), 'softmax_cross_entropy: labels must have shape [8] (the rows of logits [8,2]), got [7]');
    shapeError(() => softmaxCrossEntropyShape([8, 2], [8], [3]), 'softmax_cross_entropy: classWeights must have shape [2] (the classes of logits [8,2]), got [3]');
    shapeError(() => softmaxCrossEntropyShape([8], [8], [2]), 'softmax_cross_entropy: logits must have rank 2, got shape [8]');
  });
  it('checkLabels accepts class indices and names the first bad label', () => {
    expect(() => checkLabels([0, 1, 1, 0], 2)).not.toThrow();
    shapeError(() => checkLabels([0, 1, 2], 2), 'softmax_cross_entropy: labels[2] = 2 is not a class index in [0, 2)');
    shapeError(() => checkLabels([-1], 2), 'softmax_cross_entropy: labels[0] = -1 is not a class index in [0, 2)');
    shapeError(() => checkLabels([1, NaN], 2), 'softmax_cross_entropy: labels[1] = NaN is not a class index in [0, 2)');
  });
});

describe('sgd shapes', () => {
  const hyper = { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 };
  it('has no outputs', () => {
    expect(sgdShape([512, 64, 4, 4], [512, 64, 4, 4], [512, 64, 4, 4], hyper)).toEqual([]);
  });
  it('names the input and the numbers', () => {
    shapeError(() => sgdShape([2, 320], [320, 2], [2, 320], hyper), 'sgd: grad [320,2] must have the shape of param [2,320]');
    shapeError(() => sgdShape([2, 320], [2, 320], [2, 320, 1], hyper), 'sgd: velocity [2,320,1] must have the shape of param [2,320]');
  });
  it('checks its hyper-parameters', () => {
    shapeError(() => sgdShape([3], [3], [3], { ...hyper, lr: -0.1 }), 'sgd: lr must be a finite number ≥ 0, got -0.1');
    shapeError(() => sgdShape([3], [3], [3], { ...hyper, momentum: NaN }), 'sgd: momentum must be a finite number ≥ 0, got NaN');
    shapeError(() => sgdShape([3], [3], [3], { lr: 0.1, momentum: 0.9 } as never), 'sgd: weightDecay must be a finite number ≥ 0, got undefined');
  });
});
