import type { Crop } from './data/crop.ts';
import type { DatasetEntry } from './data/dataset.ts';
import type { GrayImage } from './data/image.ts';
import { loadBatch } from './data/load-batch.ts';
import { normaliseEach, type Normalise } from './data/normalise.ts';

/** Preprocessed images held in memory: x is [count · channels · size · size], labels are class indices. */
export interface ImageSet {
  count: number;
  size: number;
  /**
   * Normalised with the data set's constants whatever `normalise` says: augment and the
   * robustness views need intensities they can map back to [0, 1] (black, clamping, gamma).
   */
  x: Float32Array;
  labels: Float32Array;
  /** How the net wants its input (netInput normalises each image so, after any augmentation). Absent: 'dataset'. */
  normalise?: Normalise;
}

/** `count` images of x from `start` on, as the net takes them. */
export function netInput(set: Pick<ImageSet, 'x' | 'normalise'>, values: number, start: number, count: number): Float32Array {
  const x = set.x.subarray(start * values, (start + count) * values);
  return set.normalise && set.normalise !== 'dataset' ? normaliseEach(x.slice(), values, set.normalise) : x;
}

export interface LoadImageSetOptions {
  size: number;
  crop?: Crop;
  /** Recorded in the set, not applied to x (see ImageSet). */
  normalise?: Normalise;
  /** Made on each decoded image before its preprocessing (loadBatch). */
  sourceView?: (image: GrayImage) => GrayImage;
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
  { size, crop = 'none', normalise = 'dataset', strict = false, sourceView, onFile }: LoadImageSetOptions,
): Promise<{ set: ImageSet; skipped: { path: string; reason: string }[] }> {
  const plane = size * size;
  const x = new Float32Array(entries.length * plane);
  const labels: number[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const entry of entries) {
    const batch = await loadBatch([entry], { size, crop, strict, sourceView });
    if (batch.labels.length) {
      x.set(batch.x, labels.length * plane);
      labels.push(batch.labels[0]);
    }
    skipped.push(...batch.skipped);
    onFile?.(entry.path);
  }
  const count = labels.length;
  const kept = count === entries.length ? x : x.slice(0, count * plane);
  return { set: { count, size, x: kept, labels: Float32Array.from(labels), normalise }, skipped };
}
