import { describe, expect, it } from 'vitest';
import type { DatasetEntry } from '../../src/train/data/dataset.ts';
import { listDataset } from '../../src/train/data/dataset.ts';
import { firstPatients } from '../../src/train/cv-data.ts';
import { foldsLackingAClass, patientStratifiedFolds } from '../../src/train/folds.ts';
import { COVID_CT_IMAGES, COVID_CT_ROOT } from '../data/data-paths.ts';

const trainAndVal = async () => {
  const split = (name: string) => listDataset(COVID_CT_IMAGES, { list: `${COVID_CT_ROOT}/splits/${name}.txt`, meta: `${COVID_CT_ROOT}/meta.csv` });
  return [...(await split('train')), ...(await split('val'))];
};

const entry = (patient: string, label: 'COVID' | 'NonCOVID', n: number): DatasetEntry[] =>
  Array.from({ length: n }, (_, i) => ({ path: `${label}/${patient}-${i}.png`, label, patient }));

describe('patient-stratified folds on the real train+val split (544 images)', async () => {
  const entries = await trainAndVal();
  const covidShare = entries.filter((e) => e.label === 'COVID').length / entries.length;

  it('has the data the tolerances below are stated for', () => {
    expect(entries.length).toBe(544);
    expect(new Set(entries.map((e) => e.patient)).size).toBe(290);
    expect(covidShare).toBeCloseTo(252 / 544, 10);
  });

  for (const [k, seed] of [[10, 1], [10, 2], [5, 1]]) {
    it(`k = ${k}, seed ${seed}: every image in exactly one fold, no patient in two, class ratio within ±0.02, sizes within ±1 of 544/k`, () => {
      const folds = patientStratifiedFolds(entries, k, seed);
      expect(folds.length).toBe(k);
      expect(folds.flat().sort((a, b) => a - b)).toEqual(entries.map((_, i) => i));
      const foldOfPatient = new Map<string, number>();
      folds.forEach((fold, f) => {
        for (const i of fold) {
          const patient = entries[i].patient!;
          expect(foldOfPatient.get(patient) ?? f, patient).toBe(f);
          foldOfPatient.set(patient, f);
        }
        const share = fold.filter((i) => entries[i].label === 'COVID').length / fold.length;
        expect(Math.abs(share - covidShare), `fold ${f + 1}`).toBeLessThanOrEqual(0.02);
        expect(Math.abs(fold.length - 544 / k), `fold ${f + 1}`).toBeLessThanOrEqual(1);
      });
    });
  }

  it('is a pure function of the seed', () => {
    expect(patientStratifiedFolds(entries, 10, 1)).toEqual(patientStratifiedFolds([...entries], 10, 1));
    expect(patientStratifiedFolds(entries, 10, 1)).not.toEqual(patientStratifiedFolds(entries, 10, 2));
  });
});

describe('patient-stratified folds, by hand', () => {
  it('pairs a big COVID patient with a small NonCOVID one so both folds get 3 + 3', () => {
    // A: 4 COVID, B: 4 NonCOVID, C: 2 COVID, D: 2 NonCOVID. Each fold's target is 3 of each class.
    const entries = [...entry('A', 'COVID', 4), ...entry('B', 'NonCOVID', 4), ...entry('C', 'COVID', 2), ...entry('D', 'NonCOVID', 2)];
    const folds = patientStratifiedFolds(entries, 2, 1);
    const patientsOf = (fold: number[]) => [...new Set(fold.map((i) => entries[i].patient))].sort().join('');
    expect(folds.map(patientsOf).sort()).toEqual(['AD', 'BC']);
  });

  it('refuses more folds than patients, fewer than 2, and images without a patient id', () => {
    const three = [...entry('A', 'COVID', 2), ...entry('B', 'NonCOVID', 1), ...entry('C', 'COVID', 5)];
    expect(() => patientStratifiedFolds(three, 4, 1)).toThrow("cannot make 4 folds from 3 patients: each fold needs at least one patient, and a patient's slices stay in one fold");
    expect(patientStratifiedFolds(three, 3, 1).map((f) => f.length).sort()).toEqual([1, 2, 5]);
    expect(() => patientStratifiedFolds(three, 1, 1)).toThrow('cross-validation needs at least 2 folds, got 1');
    expect(() => patientStratifiedFolds([...three, { path: 'COVID/x.png', label: 'COVID' }], 2, 1)).toThrow('COVID/x.png has no patient id');
  });
});

describe('folds lacking a class', () => {
  it('names each fold a class is missing from when a class has fewer patients than folds, and none on the real split', async () => {
    const entries = [...entry('c1', 'COVID', 3), ...entry('c2', 'COVID', 2), ...['n1', 'n2', 'n3', 'n4'].flatMap((p) => entry(p, 'NonCOVID', 2))];
    const folds = patientStratifiedFolds(entries, 4, 1);
    const lacking = foldsLackingAClass(entries, folds);
    expect(lacking.length).toBe(2);
    for (const line of lacking) expect(line).toMatch(/^fold [1-4] has no COVID slice$/);
    const real = await trainAndVal();
    expect(foldsLackingAClass(real, patientStratifiedFolds(real, 10, 1))).toEqual([]);
  });
});

describe('--limit: the first patients of each class', () => {
  it('keeps every slice of a chosen patient, of either class, even one listed after its class was full', () => {
    const entries = [...entry('n1', 'NonCOVID', 2), ...entry('c1', 'COVID', 2), ...entry('n2', 'NonCOVID', 1), ...entry('c1', 'NonCOVID', 1), ...entry('c2', 'COVID', 1)];
    const kept = firstPatients(entries, 1);
    expect(kept.map((e) => `${e.patient} ${e.label}`)).toEqual(['n1 NonCOVID', 'n1 NonCOVID', 'c1 COVID', 'c1 COVID', 'c1 NonCOVID']);
  });
});
