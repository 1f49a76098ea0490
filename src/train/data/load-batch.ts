import { CLASS_NAMES } from './classes.ts';
import type { DatasetEntry } from './dataset.ts';
import { ImageDecodeError, type GrayImage } from './image.ts';
import { loadImageFile } from './load-image-file.ts';
import { PREPROCESSING, preprocess, type PreprocessOptions } from './preprocess.ts';

export interface Batch {
  /** The loaded images, preprocessed, one after another: [N · size · size]. */
  x: Float32Array;
  /** Class index per loaded image (CLASS_NAMES: 1 = COVID). */
  labels: Float32Array;
  /** Entries that could not be read or decoded, left out of x and labels. */
  skipped: { path: string; reason: string }[];
}

/**
 * Reads, decodes and preprocesses entries in order (Node only), each decoded image first
 * changed by `sourceView` (the robustness views: what another source would have delivered). A file that cannot be read
 * or decoded is skipped and reported, or, when strict, throws its ImageDecodeError.
 */
export async function loadBatch(
  entries: readonly Pick<DatasetEntry, 'path' | 'label'>[],
  { size = PREPROCESSING.size, crop = 'none', normalise = 'dataset', strict = false, sourceView = (image) => image }: PreprocessOptions & { strict?: boolean; sourceView?: (image: GrayImage) => GrayImage } = {},
): Promise<Batch> {
  const pixels = size * size;
  const x = new Float32Array(entries.length * pixels);
  const labels: number[] = [];
  const skipped: Batch['skipped'] = [];
  for (const entry of entries) {
    try {
      x.set(preprocess(sourceView(await loadImageFile(entry.path)), { size, crop, normalise }), labels.length * pixels);
      labels.push(CLASS_NAMES.indexOf(entry.label));
    } catch (error) {
      if (strict || !(error instanceof ImageDecodeError)) throw error;
      skipped.push({ path: entry.path, reason: error.reason });
    }
  }
  const loaded = labels.length === entries.length ? x : x.slice(0, labels.length * pixels);
  return { x: loaded, labels: Float32Array.from(labels), skipped };
}
