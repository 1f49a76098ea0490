import { describe, expect, it } from 'vitest';
import { upsampleBilinear } from '../../src/nets/cam.ts';
import { checkMembersAgree, ensembleCam, meanOf } from '../../src/nets/ensemble-combine.ts';

const whole = { left: 0, top: 0, width: 100, height: 80 };
const grid = (values: number[], side: number) => ({ data: Float32Array.from(values), height: side, width: side });

describe('ensembleCam', () => {
  it('gives one member its own map, and members of one region and grid their mean', () => {
    const a = { ...grid([1, 2, 3, 4], 2), box: whole };
    const b = { ...grid([3, 6, 9, 12], 2), box: whole };
    expect(Array.from(ensembleCam([a]).data)).toEqual([1, 2, 3, 4]);
    expect(ensembleCam([a, b])).toEqual({ data: Float32Array.from([2, 4, 6, 8]), height: 2, width: 2 });
  });

  it('averages each cell over the members whose region holds its centre, on the first member\'s grid', () => {
    const first = { ...grid(new Array(16).fill(2), 4), box: whole };
    const rightHalf = { ...grid([10, 10, 10, 10], 2), box: { left: 50, top: 0, width: 50, height: 80 } };
    const { data, height, width } = ensembleCam([first, rightHalf]);
    expect([height, width]).toEqual([4, 4]);
    for (let y = 0; y < 4; y++) expect(Array.from(data.subarray(y * 4, y * 4 + 4))).toEqual([2, 2, 6, 6]);
    // The first member's region need not be the whole slice: the cells are that region's.
    const inner = ensembleCam([{ ...rightHalf, box: { left: 50, top: 0, width: 50, height: 80 } }, first]);
    expect(Array.from(inner.data)).toEqual([6, 6, 6, 6]);
  });

  it('samples another grid bilinearly with centres aligned, as upsampleBilinear does', () => {
    const coarse = Float32Array.from([0, 3, 6, 9, 1, 2, 4, 8, 5]);
    const zeros = { ...grid(new Array(49).fill(0), 7), box: whole };
    const { data } = ensembleCam([zeros, { data: coarse, height: 3, width: 3, box: whole }]);
    const want = upsampleBilinear(coarse, 1, 3, 3, 7, 7);
    data.forEach((v, i) => expect(v).toBeCloseTo(want[i] / 2, 5));
  });
});

describe('meanOf and checkMembersAgree', () => {
  it('averages element-wise, one array giving itself', () => {
    expect(Array.from(meanOf([Float32Array.from([1, 2]), Float32Array.from([3, 6])]))).toEqual([2, 4]);
    expect(Array.from(meanOf([Float32Array.from([0.1, 0.7])]))).toEqual(Array.from(Float32Array.from([0.1, 0.7])));
  });

  it('lets members prepare images their own way, not score other sizes or classes', () => {
    const a = { name: 'a.safetensors', inputShape: [1, 224, 224], classNames: ['NonCOVID', 'COVID'] };
    expect(() => checkMembersAgree([a, { ...a, name: 'b.safetensors' }])).not.toThrow();
    expect(() => checkMembersAgree([a, { ...a, name: 'b.safetensors', inputShape: [1, 112, 112] }])).toThrow('ensemble members differ in input size: a.safetensors has 1×224×224, b.safetensors has 1×112×112');
    expect(() => checkMembersAgree([a, { ...a, name: 'c.safetensors', classNames: ['COVID', 'NonCOVID'] }])).toThrow('ensemble members differ in class names: a.safetensors has NonCOVID,COVID, c.safetensors has COVID,NonCOVID');
  });
});
