import type { Crop } from './data/body-crop.ts';
import type { DatasetEntry } from './data/dataset.ts';
import { loadBatch } from './data/load-batch.ts';

/** Preprocessed images held in memory: x is [count · channels · size · size], labels are class indices. */
export interface ImageSet {
  count: number;
  size: number;
  x: Float32Array;
  labels: Float32Array;
}

export interface LoadImageSetOptions {
  size: number;
  crop?: Crop;
  /** Throw on the first unreadable file instead of skipping it. */
  strict?: boolean;
  /** Called after each file, read or skipped. */
  onFile?: (path: string) => void;
}

/**
 * Decodes and preprocesses every entry once (the data set is small enough to keep, and
 * decoding is the slow part). Unreadable files are left out and returned in `skipped`.
 */
export async function loadImageSet(
  entries: readonly DatasetEntry[],
  { size, crop = 'none', strict = false, onFile }: LoadImageSetOptions,
): Promise<{ set: ImageSet; skipped: { path: string; reason: string }[] }> {
  const plane = size * size;
  const x = new Float32Array(entries.length * plane);
  const labels: number[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const entry of entries) {
    const batch = await loadBatch([entry], { size, crop, strict });
    if (batch.labels.length) {
      x.set(batch.x, labels.length * plane);
      labels.push(batch.labels[0]);
    }
    skipped.push(...batch.skipped);
    onFile?.(entry.path);
  }
  const count = labels.length;
  return { set: { count, size, x: count === entries.length ? x : x.slice(0, count * plane), labels: Float32Array.from(labels) }, skipped };
}
