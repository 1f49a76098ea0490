import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASS_NAMES } from './data/classes.ts';
import { classFolderFiles, listDataset, type DatasetEntry } from './data/dataset.ts';

/** Where --data points: the folder of class folders, and the split lists that come with it. */
export interface DataDir {
  root: string;
  trainList?: string;
  valList?: string;
}

const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

/**
 * --data is either the data set's own folder (images/COVID, images/NonCOVID, splits/train.txt,
 * splits/val.txt, as in /work/shared/data/covid-ct) or a folder holding the class folders.
 */
export function resolveDataDir(dir: string): DataDir {
  if (!isDirectory(dir)) throw new Error(`--data ${dir}: no such folder`);
  const images = join(dir, 'images');
  if (!isDirectory(images)) return { root: dir };
  const split = (name: string) => (existsSync(join(dir, 'splits', name)) ? join(dir, 'splits', name) : undefined);
  return { root: images, trainList: split('train.txt'), valList: split('val.txt') };
}

/**
 * The images of a split list, or else of the class folders under root; a root with only one
 * class folder (say, COVID scans alone) is fine here. With `limit`, only the first `limit`
 * images of each class, in list order.
 */
export async function listImages(root: string, { list, limit }: { list?: string; limit?: number } = {}): Promise<DatasetEntry[]> {
  const present = CLASS_NAMES.filter((label) => isDirectory(join(root, label)));
  const oneClass = (names: string[]) => names.map((name) => ({ path: join(root, present[0], name), label: present[0] }));
  const entries = list || present.length !== 1 ? await listDataset(root, { list }) : oneClass(await classFolderFiles(root, present[0]));
  if (limit === undefined) return entries;
  const taken = new Map<string, number>();
  return entries.filter(({ label }) => {
    taken.set(label, (taken.get(label) ?? 0) + 1);
    return taken.get(label)! <= limit;
  });
}

/** The images of two split lists, refused when they share one; one list given as both (`sameList`) is meant, a fit check. */
export async function listTrainVal(root: string, trainList: string, valList: string, limit?: number): Promise<{ train: DatasetEntry[]; val: DatasetEntry[]; sameList: boolean }> {
  const [train, val] = await Promise.all([trainList, valList].map((list) => listImages(root, { list, limit })));
  const sameList = resolve(trainList) === resolve(valList);
  if (!sameList) checkSplitsDisjoint([{ list: trainList, entries: train }, { list: valList, entries: val }]);
  return { train, val, sameList };
}

/** Refuses an image named in two split lists: it would be trained on and scored on. (parseSplitList refuses one named twice in a list.) */
export function checkSplitsDisjoint(splits: readonly { list: string; entries: readonly DatasetEntry[] }[]): void {
  const seen = new Map<string, string>();
  for (const { list, entries } of splits) {
    for (const { path } of entries) {
      const first = seen.get(path);
      if (first !== undefined) throw new Error(`${path} is in both ${first} and ${list}: it would be trained on and scored on`);
      seen.set(path, list);
    }
  }
}
