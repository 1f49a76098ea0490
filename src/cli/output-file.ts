import { statSync } from 'node:fs';

/** An output file's path, checked before the work that ends in writing it, so a long run is not lost to a bad flag. */
export function outputFile(flag: string, path: string): string {
  if (path === '') throw new Error(`--${flag} is empty: give the file to write`);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--${flag} ${path} is a folder: give the file to write`);
  return path;
}
