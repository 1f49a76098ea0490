import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CV_FORMAT, summarise, type CvResults } from '../../src/train/cv-results.ts';
import { covidCt, tempDir } from './cli.ts';

const dir = tempDir('compare-cli-');

/** A results file of 4 folds with the given accuracies (null: unfinished); AUC 0.7 everywhere. */
function cvDir(name: string, settings: object, accuracies: (number | null)[], swapFirstFold = false): string {
  const folds = accuracies.map((accuracy, k) => ({
    images: swapFirstFold && k === 0 ? ['COVID/other.png'] : [`COVID/${k}.png`, `NonCOVID/${k}.png`],
    patients: 2,
    result: accuracy === null ? null : { trainImages: 6, seconds: 1, pCovid: [0.5, 0.5], metrics: { accuracy, sensitivity: accuracy, specificity: null, precision: null, f1: null, auc: 0.7, confusion: [[1, 0], [0, 1]] } },
  }));
  const results = { format: CV_FORMAT, command: 'test', selection: 'final epoch', settings: { folds: 4, seed: 1, ...settings }, folds } as unknown as CvResults;
  results.summary = summarise(results.folds);
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, 'cv.json'), JSON.stringify(results));
  return join(dir, name);
}

describe('covid-ct compare', () => {
  const a = cvDir('a', { recipe: 'paper', init: 'p.safetensors' }, [0.6, 0.7, 0.5, null]);
  const better = cvDir('better', { recipe: 'robust' }, [0.7, 0.82, 0.61, 0.9]);

  it('pairs the folds finished in both and calls a consistent gain better, an unchanged metric no difference', async () => {
    const r = await covidCt('compare', a, better, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pairedFolds).toEqual([1, 2, 3]);
    expect(out.settingChanges).toEqual(['recipe "paper" → "robust"', 'init "p.safetensors" → none']);
    // differences 0.10, 0.12, 0.11: mean 0.11, SD 0.01; 2 held out per 6 training slices, so
    // t = 0.11 / (0.01 · √(1/3 + 2/6)) corrected, 0.11 / (0.01 / √3) uncorrected
    expect(out.testToTrain).toBeCloseTo(1 / 3, 12);
    expect(out.metrics.accuracy.meanDifference).toBeCloseTo(0.11, 9);
    expect(out.metrics.accuracy.t).toBeCloseTo(0.11 / (0.01 * Math.sqrt(2 / 3)), 6);
    expect(out.metrics.accuracy.verdict).toBe('better');
    const plain = JSON.parse((await covidCt('compare', a, better, '--json', '--uncorrected')).stdout);
    expect(plain.testToTrain).toBe(0);
    expect(plain.metrics.accuracy.t).toBeCloseTo(0.11 / (0.01 / Math.sqrt(3)), 6);
    expect(out.metrics.auc.verdict).toBe('no difference');
    expect(out.metrics.specificity).toBeNull();
    const table = await covidCt('compare', better, a);
    expect(table.stdout).toMatch(/accuracy\s+0\.710\s+0\.600\s+−0\.110 ± 0\.010 .* worse/);
  });

  it('writes the t of a difference that is the same in every fold as "Infinity", not null, and judges it by the sign-flip p (3 folds: 0.25)', async () => {
    const low = cvDir('low', { recipe: 'paper' }, [0.5, 0.25, 0.75, null]);
    const high = cvDir('high', { recipe: 'paper' }, [0.75, 0.5, 1, 0.5]);
    const out = JSON.parse((await covidCt('compare', low, high, '--json')).stdout);
    expect(out.metrics.accuracy).toMatchObject({ meanDifference: 0.25, sdDifference: 0, t: 'Infinity', p: 0.25, verdict: 'no difference' });
  });

  it("turns session 19's verdict on dihedral's AUC to no difference once corrected (p 0.041 → 0.136; accuracy 0.005 → 0.031)", async () => {
    const [paper, dihedral] = ['paper-112-pop', 'dihedral-112-pop'].map((name) => `docs/cv/${name}.cv.json`);
    const corrected = JSON.parse((await covidCt('compare', paper, dihedral, '--json')).stdout);
    const plain = JSON.parse((await covidCt('compare', paper, dihedral, '--json', '--uncorrected')).stdout);
    expect(corrected.testToTrain).toBeCloseTo(0.111, 3);
    expect([corrected.metrics.auc.p, corrected.metrics.auc.verdict]).toEqual([expect.closeTo(0.136, 3), 'no difference']);
    expect([plain.metrics.auc.p, plain.metrics.auc.verdict]).toEqual([expect.closeTo(0.041, 3), 'better']);
    expect([corrected.metrics.accuracy.p, plain.metrics.accuracy.p]).toEqual([expect.closeTo(0.031, 3), expect.closeTo(0.005, 3)]);
  });

  it('refuses folds that hold out different slices, and a missing results file', async () => {
    const other = cvDir('other', { recipe: 'robust' }, [0.7, 0.8, 0.6, 0.9], true);
    const r = await covidCt('compare', a, other);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fold 1 holds out different slices/);
    const missing = await covidCt('compare', a, join(dir, 'nothing'));
    expect(missing.stderr).toMatch(/there is no .*nothing/);
  });
});

describe('covid-ct compare with several seeds of each side (X,Y)', () => {
  const paper = [cvDir('seed-a1', { recipe: 'paper' }, [0.6, 0.7, 0.5, 0.9]), cvDir('seed-a2', { recipe: 'paper', seed: 2 }, [0.8, 0.7, 0.7, null])];
  const robust = [cvDir('seed-b1', { recipe: 'robust' }, [0.7, 0.8, 0.6, 0.9]), cvDir('seed-b2', { recipe: 'robust', seed: 2 }, [0.9, 0.9, 0.9, 0.9])];

  it("tests over the folds every run finished, each fold's score the runs' mean", async () => {
    const r = await covidCt('compare', paper.join(','), robust.join(','), '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    // per fold, paper 0.7, 0.7, 0.6 and robust 0.8, 0.85, 0.75; fold 4 is unfinished in paper's seed 2
    expect(out.pairedFolds).toEqual([1, 2, 3]);
    expect(out.metrics.accuracy).toMatchObject({ meanA: expect.closeTo(2 / 3, 9), meanB: expect.closeTo(0.8, 9), meanDifference: expect.closeTo(0.4 / 3, 9) });
    expect(out.metrics.specificity).toBeNull();
    expect(out.settingChanges).toEqual(['recipe "paper" → "robust"']);
  });

  it('refuses runs that hold out different slices', async () => {
    const r = await covidCt('compare', `${paper[0]},${cvDir('seed-other', { recipe: 'paper' }, [0.7, 0.8, 0.6, 0.9], true)}`, robust.join(','));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fold 1 holds out different slices/);
  });
});

describe('covid-ct compare with an ensemble (X+Y)', () => {
  /** One fold of two slices, COVID/a and NonCOVID/b, with the given P(COVID) listed in `order`. */
  function member(name: string, recipe: string, p: Record<string, number>, order = ['COVID/a.png', 'NonCOVID/b.png']): string {
    const fold = (k: number) => ({
      images: k === 0 ? order : [`COVID/${k}.png`, `NonCOVID/${k}.png`],
      patients: 2,
      result: { trainImages: 6, seconds: 2, pCovid: k === 0 ? order.map((image) => p[image]) : [0.9, 0.1], metrics: { accuracy: -1 } },
    });
    const results = { format: CV_FORMAT, command: `cv ${recipe}`, selection: 'final epoch', settings: { folds: 2, seed: 1, recipe, size: 112 }, folds: [fold(0), fold(1)] } as unknown as CvResults;
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'cv.json'), JSON.stringify(results));
    return join(dir, name);
  }

  it('scores each held-out slice by the members\' mean P(COVID), matched by image, and recomputes the fold metrics from it', async () => {
    // alone each calls one slice wrong (0.4 < 0.5 for COVID; 0.7 > 0.5 for NonCOVID); the means 0.6 and 0.45 are both right
    const x = member('ens-x', 'paper', { 'COVID/a.png': 0.4, 'NonCOVID/b.png': 0.2 });
    const y = member('ens-y', 'robust', { 'COVID/a.png': 0.8, 'NonCOVID/b.png': 0.7 }, ['NonCOVID/b.png', 'COVID/a.png']);
    const out = JSON.parse((await covidCt('compare', x, `${x}+${y}`, '--json')).stdout);
    expect(out.settingChanges).toEqual(['recipe "paper" → "paper+robust"']);
    expect(out.metrics.accuracy).toMatchObject({ meanA: -1, meanB: 1 });
  });

  it('reproduces a CV\'s own fold metrics as the ensemble of that CV alone twice', async () => {
    const cv = 'docs/cv/dihedral-112-seed3-pop.cv.json';
    const out = JSON.parse((await covidCt('compare', cv, `${cv}+${cv}`, '--json')).stdout);
    // A's are the metrics stored in the file, B's recomputed from the mean P(COVID)
    for (const key of ['accuracy', 'sensitivity', 'specificity', 'precision', 'f1', 'auc']) expect(out.metrics[key].meanDifference, key).toBe(0);
    expect([out.metrics.accuracy.meanB, out.metrics.auc.meanB]).toEqual([expect.closeTo(0.7412, 4), expect.closeTo(0.8086, 4)]);
  });

  it('refuses members whose folds hold out different slices, naming both', async () => {
    const x = member('ens-p', 'paper', { 'COVID/a.png': 0.4, 'NonCOVID/b.png': 0.2 });
    const z = member('ens-z', 'robust', { 'COVID/c.png': 0.4, 'NonCOVID/b.png': 0.2 }, ['COVID/c.png', 'NonCOVID/b.png']);
    const r = await covidCt('compare', x, `${x}+${z}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ensemble: fold 1 holds out different slices in ${join(x, 'cv.json')} and ${join(z, 'cv.json')}`);
  });

  it('refuses a member whose fold has no P(COVID) for its slices, naming it', async () => {
    const x = member('ens-q', 'paper', { 'COVID/a.png': 0.4, 'NonCOVID/b.png': 0.2 });
    const old = member('ens-old', 'robust', { 'COVID/a.png': 0.4, 'NonCOVID/b.png': 0.2 });
    const file = join(old, 'cv.json');
    const results = JSON.parse(readFileSync(file, 'utf8'));
    delete results.folds[1].result.pCovid;
    writeFileSync(file, JSON.stringify(results));
    const r = await covidCt('compare', x, `${x}+${old}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ensemble: fold 2 of ${file} has no P(COVID) for each held-out slice`);
  });
});
