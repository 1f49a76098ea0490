// Mean and standard deviation of the training split after the resize step of preprocess(),
// over all pixels of all images: the numbers PREPROCESSING.mean and .std in
// src/train/data/preprocess.ts record.
//   node --import ./scripts/register-loader.mjs scripts/preprocessing-stats.ts [dataset-dir]
import { listDataset } from '../src/train/data/dataset.ts';
import { loadImageFile } from '../src/train/data/load-image-file.ts';
import { PREPROCESSING } from '../src/train/data/preprocess.ts';
import { resizeGray } from '../src/train/data/resize.ts';

const dataset = process.argv[2] ?? '/work/shared/data/covid-ct';
const entries = await listDataset(`${dataset}/images`, { list: `${dataset}/splits/train.txt` });
const { size } = PREPROCESSING;
let sum = 0;
let sumOfSquares = 0;
for (const entry of entries) {
  for (const value of resizeGray(await loadImageFile(entry.path), size, size)) {
    sum += value;
    sumOfSquares += value * value;
  }
}
const count = entries.length * size * size;
const mean = sum / count;
const std = Math.sqrt(sumOfSquares / count - mean * mean);
console.log(`${entries.length} training images at ${size} × ${size}: mean ${mean.toFixed(4)}, std ${std.toFixed(4)}`);
