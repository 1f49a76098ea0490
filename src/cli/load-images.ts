import { basename } from 'node:path';
import type { Crop } from '../train/data/crop.ts';
import type { Normalise } from '../train/data/normalise.ts';
import type { DatasetEntry } from '../train/data/dataset.ts';
import type { GrayImage } from '../train/data/image.ts';
import { loadImageSet, type ImageSet } from '../train/image-set.ts';
import { Progress } from './progress.ts';

/**
 * Decodes and preprocesses `entries` with progress on stderr, naming each unreadable file
 * there (skipped, or with `strict` the end of the command). `what` names the set in messages.
 */
export async function loadImagesReporting(what: string, entries: readonly DatasetEntry[], { size, crop, normalise, strict = false, sourceView }: { size: number; crop: Crop; normalise: Normalise; strict?: boolean; sourceView?: (image: GrayImage) => GrayImage }): Promise<ImageSet> {
  if (entries.length === 0) throw new Error(`${what}: no images found`);
  const progress = new Progress(entries.length);
  const { set, skipped } = await loadImageSet(entries, { size, crop, normalise, strict, sourceView, onFile: (path) => progress.tick(`${what}: ${basename(path)}`) });
  for (const { path, reason } of skipped) console.error(`skipped ${path}: ${reason}`);
  if (set.count === 0) throw new Error(`${what}: none of the ${entries.length} images could be read`);
  return set;
}
