import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASS_NAMES, type ClassName } from './classes.ts';
import { parsePatientsCsv, parseSplitList, type ListedImage } from './dataset-files.ts';

export interface DatasetEntry {
  /** root joined with `CLASS/file`. */
  path: string;
  label: ClassName;
  /** From meta.csv when given and the file is listed there. */
  patient?: string;
}

export interface ListDatasetOptions {
  /** A split file (`CLASS/file` a line): only these images, in this order; a missing one is an error. */
  list?: string;
  /** A CSV with `path,label,patient` columns, paths relative to root, to fill in `patient`. */
  meta?: string;
}

/**
 * The images under root, one folder per class (COVID/, NonCOVID/). Without a list: every
 * file in those folders except hidden ones (names starting with "."), NonCOVID first, each
 * folder sorted by name. Files are not opened here; loadBatch reports the unreadable ones.
 */
export async function listDataset(root: string, options: ListDatasetOptions = {}): Promise<DatasetEntry[]> {
  const { list } = options;
  const images = list ? await checkedImages(root, parseSplitList(await readText(list), list), list) : await folderImages(root);
  const patients = options.meta ? parsePatientsCsv(await readText(options.meta), options.meta) : undefined;
  return images.map(({ relativePath, label }) => {
    const patient = patients?.get(relativePath);
    const entry: DatasetEntry = { path: join(root, relativePath), label };
    return patient === undefined ? entry : { ...entry, patient };
  });
}

/** The images named by `CLASS/file` paths held elsewhere (a cv.json fold), checked as a split list's are; `source` names them in errors. */
export async function namedImages(root: string, paths: readonly string[], source: string): Promise<DatasetEntry[]> {
  const images = await checkedImages(root, parseSplitList(paths.join('\n'), source), source);
  return images.map(({ relativePath, label }) => ({ path: join(root, relativePath), label }));
}

async function checkedImages(root: string, images: ListedImage[], source: string): Promise<ListedImage[]> {
  await Promise.all(
    images.map(async ({ relativePath }) => {
      const path = join(root, relativePath);
      const found = await stat(path).then((s) => s.isFile(), () => false);
      if (!found) throw new Error(`${source} lists ${relativePath}, but ${path} is not a file`);
    }),
  );
  return images;
}

async function folderImages(root: string): Promise<ListedImage[]> {
  const images: ListedImage[] = [];
  for (const label of CLASS_NAMES) {
    const names = await classFolderFiles(root, label).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`dataset root ${root} has no readable ${label}/ folder (${error.code ?? error.message})`);
    });
    for (const name of names) images.push({ relativePath: `${label}/${name}`, label });
  }
  return images;
}

/** The file names in root/label, sorted: hidden ones left out, a link taken when it leads to a file. */
export async function classFolderFiles(root: string, label: ClassName): Promise<string[]> {
  const folder = join(root, label);
  const entries = await readdir(folder, { withFileTypes: true });
  const isFile = async (e: Dirent) => e.isFile() || (e.isSymbolicLink() && (await stat(join(folder, e.name)).then((s) => s.isFile(), () => false)));
  const visible = entries.filter((e) => !e.name.startsWith('.'));
  const files = await Promise.all(visible.map(async (e) => ((await isFile(e)) ? e.name : undefined)));
  return files.filter((name) => name !== undefined).sort();
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
