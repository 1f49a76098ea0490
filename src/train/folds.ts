import type { DatasetEntry } from './data/dataset.ts';
import { CLASS_NAMES } from './data/classes.ts';
import { foldsRandom } from './random-streams.ts';

interface Patient {
  images: number[];
  /** Images of each class of CLASS_NAMES. */
  counts: number[];
}

/**
 * Stratified group k-fold: splits the entries into k folds so that every patient's slices
 * sit in one fold, and each fold holds close to 1/k of each class and of the images (so the
 * overall class ratio). Greedy: patients are placed largest first, each into the fold where
 * it least raises Σ_folds [Σ_classes (class count − class total/k)² + (size − N/k)²]; the
 * size term keeps a patient of one class from joining a fold that only lacks the other.
 * An empty fold is always a cheapest place, so no fold stays empty while a patient is left.
 * Equal-sized patients are taken in an order shuffled by `seed`, and equally good folds are
 * chosen between by it, so the folds are a pure function of (entries, k, seed).
 * Returns each fold's entry indices, ascending.
 */
export function patientStratifiedFolds(entries: readonly DatasetEntry[], k: number, seed: number): number[][] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`cross-validation needs at least 2 folds, got ${k}`);
  const patients = groupByPatient(entries);
  if (k > patients.length) throw new RangeError(`cannot make ${k} folds from ${patients.length} patients: each fold needs at least one patient, and a patient's slices stay in one fold`);
  const rng = foldsRandom(seed);
  for (let i = patients.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [patients[i], patients[j]] = [patients[j], patients[i]];
  }
  patients.sort((a, b) => b.images.length - a.images.length);

  const classTotals = CLASS_NAMES.map((_, c) => patients.reduce((sum, p) => sum + p.counts[c], 0));
  const targets = classTotals.map((total) => total / k);
  const sizeTarget = entries.length / k;
  const foldCounts = Array.from({ length: k }, () => new Array<number>(CLASS_NAMES.length).fill(0));
  const folds = Array.from({ length: k }, () => [] as number[]);
  // Adding g to a count n with target t raises (n − t)² by (n + g − t)² − (n − t)² = g·(2(n − t) + g).
  const raise = (g: number, n: number, t: number) => g * (2 * (n - t) + g);
  for (const patient of patients) {
    const costs = foldCounts.map(
      (counts, f) => patient.counts.reduce((sum, g, c) => sum + raise(g, counts[c], targets[c]), 0) + raise(patient.images.length, folds[f].length, sizeTarget),
    );
    const lowest = Math.min(...costs);
    const tied = costs.flatMap((cost, fold) => (cost === lowest ? [fold] : []));
    const fold = tied[rng.int(tied.length)];
    patient.counts.forEach((g, c) => (foldCounts[fold][c] += g));
    folds[fold].push(...patient.images);
  }
  return folds.map((fold) => fold.sort((a, b) => a - b));
}

/** "fold F has no CLASS slice" for each fold a class is missing from (a class with fewer patients than folds). */
export function foldsLackingAClass(entries: readonly DatasetEntry[], folds: readonly number[][]): string[] {
  return folds.flatMap((fold, f) => CLASS_NAMES.filter((name) => !fold.some((i) => entries[i].label === name)).map((name) => `fold ${f + 1} has no ${name} slice`));
}

function groupByPatient(entries: readonly DatasetEntry[]): Patient[] {
  const byId = new Map<string, Patient>();
  entries.forEach((entry, index) => {
    if (entry.patient === undefined || entry.patient === '') throw new Error(`${entry.path} has no patient id (patient-grouped folds need every image in meta.csv)`);
    let patient = byId.get(entry.patient);
    if (!patient) byId.set(entry.patient, (patient = { images: [], counts: new Array(CLASS_NAMES.length).fill(0) }));
    patient.images.push(index);
    patient.counts[CLASS_NAMES.indexOf(entry.label)]++;
  });
  return [...byId.values()];
}
