/**
 * Host time of the preprocessing crops (crop.ts) per slice, on the first --count slices of each
 * class of a data set folder, decoded once beforehand: median and min per crop over --runs passes.
 *   node --import ./scripts/register-loader.mjs bench/crop.ts [--data /work/shared/data/covid-ct] [--count 20] [--runs 5]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { scriptArgs, scriptNumber } from '../src/cli/script-args.ts';
import { CROPS, cropFor } from '../src/train/data/crop.ts';
import { loadImageFile } from '../src/train/data/load-image-file.ts';
import { median } from './timing.ts';

const { values } = scriptArgs(import.meta.url, { options: { data: { type: 'string', default: '/work/shared/data/covid-ct' }, count: { type: 'string' }, runs: { type: 'string' } } });
const count = scriptNumber(import.meta.url, 'count', values.count, 20, { integer: true, min: 1 });
const runs = scriptNumber(import.meta.url, 'runs', values.runs, 5, { integer: true, min: 1 });
const files = ['COVID', 'NonCOVID'].flatMap((label) => readdirSync(join(values.data, 'images', label)).sort().slice(0, count).map((name) => join(values.data, 'images', label, name)));
const images = await Promise.all(files.map((file) => loadImageFile(file)));
console.log(`${images.length} slices, median ${median(images.map((image) => image.width * image.height))} pixels`);
console.log('crop    median ms/slice  min ms/slice');
for (const crop of CROPS) {
  const ms: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const started = performance.now();
    for (const image of images) cropFor(image, crop);
    if (run > 0) ms.push((performance.now() - started) / images.length);
  }
  console.log(`${crop.padEnd(7)} ${median(ms).toFixed(2).padStart(16)} ${Math.min(...ms).toFixed(2).padStart(13)}`);
}
