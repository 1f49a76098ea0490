import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset, type DatasetEntry } from './data/dataset.ts';
import { checkSplitsDisjoint, resolveDataDir } from './data-source.ts';

export interface CvImages {
  root: string;
  /** The split lists pooled, in order; empty when the folder has none and every image is used. */
  lists: string[];
  meta: string;
  entries: DatasetEntry[];
}

/**
 * The images cross-validation runs over: the data set's train and validation splits pooled
 * (its own test split is not in the folder and stays untouched), or every image of the class
 * folders when there are no split lists; patient ids from DIR/meta.csv. With `limitPatients`,
 * only the first that many patients of each class in list order, with all their slices.
 */
export async function listCvImages(dir: string, limitPatients: number | null): Promise<CvImages> {
  const data = resolveDataDir(dir);
  const meta = join(dir, 'meta.csv');
  if (!existsSync(meta)) throw new Error(`--data ${dir}: no meta.csv there, and patient-grouped folds need its patient ids (columns path,label,patient)`);
  const lists = [data.trainList, data.valList].filter((list): list is string => list !== undefined);
  const splits = await Promise.all(lists.map(async (list) => ({ list, entries: await listDataset(data.root, { list, meta }) })));
  checkSplitsDisjoint(splits);
  const entries = lists.length ? splits.flatMap((split) => split.entries) : await listDataset(data.root, { meta });
  return { root: data.root, lists, meta, entries: limitPatients === null ? entries : firstPatients(entries, limitPatients) };
}

/** The first `perClass` patients of each class, in list order, with all their slices (of either class). */
export function firstPatients(entries: readonly DatasetEntry[], perClass: number): DatasetEntry[] {
  const kept = new Map<string, Set<string | undefined>>();
  for (const { label, patient } of entries) {
    const patients = kept.get(label) ?? new Set();
    kept.set(label, patients);
    if (patients.size < perClass) patients.add(patient);
  }
  const chosen = new Set([...kept.values()].flatMap((patients) => [...patients]));
  return entries.filter(({ patient }) => chosen.has(patient));
}
