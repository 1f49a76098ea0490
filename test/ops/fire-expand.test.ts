import { describe, expect, it } from 'vitest';
import { outputShapes } from '../../src/runtime/validate.ts';
import { getOp } from '../../src/runtime/registry.ts';
import { describeOpCases } from '../harness/describe-op-cases.ts';
import { fireExpandCases, fireExpandGradCases } from './fire-expand.cases.ts';

describeOpCases('fire_expand', fireExpandCases, fireExpandGradCases);

describe('fire_expand shapes', () => {
  const shapes = (inputs: number[][], activation = 'elu') => outputShapes(getOp('fire_expand'), inputs, { activation });
  it('concatenates the branches along channels', () => {
    expect(shapes([[2, 16, 56, 56], [64, 16, 1, 1], [64], [32, 16, 3, 3], [32]])).toEqual([[2, 96, 56, 56]]);
  });
  it('names the input and the numbers when shapes do not fit', () => {
    expect(() => shapes([[1, 16, 8, 8], [64, 16, 3, 3], [64], [64, 16, 3, 3], [64]])).toThrow('fire_expand: w1 [64,16,3,3] must be [E1,16,1,1]');
    expect(() => shapes([[1, 16, 8, 8], [64, 16, 1, 1], [64], [64, 8, 3, 3], [64]])).toThrow('fire_expand: w3 [64,8,3,3] must be [E3,16,3,3]');
    expect(() => shapes([[1, 16, 8, 8], [64, 16, 1, 1], [63], [64, 16, 3, 3], [64]])).toThrow('fire_expand: b1 [63] must have one value per output channel');
    expect(() => shapes([[1, 16, 8, 8], [64, 16, 1, 1], [64], [64, 16, 3, 3], [64]], 'tanh')).toThrow(`activation must be 'elu' or 'relu', got "tanh"`);
  });
});
