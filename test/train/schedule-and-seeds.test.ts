import { describe, expect, it } from 'vitest';
import { TRAIN_HELP } from '../../src/cli/train.ts';
import { inverseFrequencyWeights, recipeClassWeights } from '../../src/train/class-weights.ts';
import { balancedOrder, deriveSeed, epochOrder } from '../../src/train/random-streams.ts';
import { learningRate, PAPER_RECIPE, RECIPES, recipeByName, ROBUST_RECIPE } from '../../src/train/recipe.ts';

describe('the paper recipe', () => {
  it('multiplies the learning rate by 0.8 every 5 epochs', () => {
    const lr = (epoch: number) => learningRate(PAPER_RECIPE, 0.01, epoch);
    expect([1, 5, 6, 10, 11, 20].map(lr)).toEqual([0.01, 0.01, 0.008, 0.008, 0.01 * 0.8 ** 2, 0.01 * 0.8 ** 3]);
  });

  it('is found by name, and an unknown name lists the known ones', () => {
    expect(recipeByName('paper')).toBe(PAPER_RECIPE);
    expect(() => recipeByName('fancy')).toThrow(/unknown recipe "fancy" \(known: paper, robust, robust-crop, robust-smooth, robust-mixup, robust-norm, robust-white, robust-lungs, robust-rank, robust-balanced, paper-unaugmented, mild, turns, zoom, paper-unaugmented-crop, dihedral, dihedral-crop, dihedral-lung-box, paper-unaugmented-lung-box, dihedral-swa, dihedral-lung-box-swa, dihedral-smooth, dihedral-mixup\)/);
  });

  it('train --help describes every recipe', () => {
    for (const name of Object.keys(RECIPES)) expect(TRAIN_HELP, name).toMatch(new RegExp(`[ (]${name}[:;, ]`));
  });

  it("normalises with the data set's constants in every recipe but robust-norm, which is robust standardising each image", () => {
    for (const recipe of Object.values(RECIPES)) expect(recipe.normalise, recipe.name).toBe({ 'robust-norm': 'image', 'robust-rank': 'rank' }[recipe.name] ?? 'dataset');
    expect(recipeByName('robust-norm')).toEqual({ ...ROBUST_RECIPE, name: 'robust-norm', normalise: 'image' });
  });

  it('robust-white is robust with a white level of 0.5–0.9', () => {
    expect(recipeByName('robust-white')).toEqual({ ...ROBUST_RECIPE, name: 'robust-white', augment: { ...ROBUST_RECIPE.augment, whiteLevel: [0.5, 0.9] } });
  });

  it('robust-lungs is robust on the lungs alone', () => {
    expect(recipeByName('robust-lungs')).toEqual({ ...ROBUST_RECIPE, name: 'robust-lungs', crop: 'lungs' });
  });
});

describe('class weights', () => {
  it('are N / (2 · n_class): 0.910 and 1.109 for the 234 NonCOVID and 192 COVID training images', () => {
    const labels = [...new Array(234).fill(0), ...new Array(192).fill(1)];
    const [nonCovid, covid] = inverseFrequencyWeights(labels);
    expect(nonCovid).toBeCloseTo(426 / 468, 6);
    expect(covid).toBeCloseTo(426 / 384, 6);
    expect(234 * nonCovid + 192 * covid).toBeCloseTo(426, 3);
  });

  it('are ones under robust-balanced, whose draw already balances the classes; robust keeps inverse frequency', () => {
    const labels = [0, 0, 0, 1];
    expect(Array.from(recipeClassWeights(recipeByName('robust-balanced'), labels))).toEqual([1, 1]);
    expect(recipeClassWeights(ROBUST_RECIPE, labels)).toEqual(inverseFrequencyWeights(labels));
    expect(recipeByName('robust-balanced')).toEqual({ ...ROBUST_RECIPE, name: 'robust-balanced', sampling: 'white-balanced' });
  });

  it('need both classes', () => {
    expect(() => inverseFrequencyWeights([1, 1])).toThrow(/no NonCOVID image/);
  });
});

describe('random streams', () => {
  it('shuffle each epoch into its own reproducible permutation', () => {
    const first = epochOrder(1, 1, 50);
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(epochOrder(1, 1, 50)).toEqual(first);
    expect(epochOrder(1, 2, 50)).not.toEqual(first);
    expect(epochOrder(2, 1, 50)).not.toEqual(first);
  });

  it('derive distinct seeds from (seed, purpose, epoch, step)', () => {
    const seeds = new Set<number>();
    for (let epoch = 1; epoch <= 20; epoch++) for (let step = 1; step <= 30; step++) seeds.add(deriveSeed(1, 2, epoch, step));
    expect(seeds.size).toBe(600);
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
    expect(deriveSeed(7, 1, 1)).toBe(deriveSeed(7, 1, 1));
  });

  it('draw each group as often as it holds images, and its two classes equally often, reproducibly', () => {
    // group 0: 10 NonCOVID and 2 COVID; group 1: 3 NonCOVID and 15 COVID; group 2: 5 COVID only
    const labels = [...Array(10).fill(0), 1, 1, 0, 0, 0, ...Array(15).fill(1), ...Array(5).fill(1)];
    const groups = [...Array(12).fill(0), ...Array(18).fill(1), ...Array(5).fill(2)];
    const drawn = new Map<string, number>();
    for (let epoch = 1; epoch <= 400; epoch++) {
      const order = balancedOrder(3, epoch, labels, groups);
      expect(order).toHaveLength(35);
      for (const i of order) drawn.set(`${groups[i]}/${labels[i]}`, (drawn.get(`${groups[i]}/${labels[i]}`) ?? 0) + 1);
    }
    const share = (key: string) => (drawn.get(key) ?? 0) / (400 * 35);
    expect(share('0/0')).toBeCloseTo(6 / 35, 1);
    expect(share('0/1')).toBeCloseTo(6 / 35, 1);
    expect(share('1/0')).toBeCloseTo(9 / 35, 1);
    expect(share('1/1')).toBeCloseTo(9 / 35, 1);
    expect(share('2/1')).toBeCloseTo(5 / 35, 1);
    expect(Math.abs(share('0/1') / share('0/0') - 1)).toBeLessThan(0.08);
    expect(Math.abs(share('1/0') / share('1/1') - 1)).toBeLessThan(0.08);
    expect(balancedOrder(3, 7, labels, groups)).toEqual(balancedOrder(3, 7, labels, groups));
    expect(balancedOrder(3, 8, labels, groups)).not.toEqual(balancedOrder(3, 7, labels, groups));
  });
});
