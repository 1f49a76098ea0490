/**
 * A copy of a data set folder (images/CLASS/*, splits/, meta.csv) with every image resized to
 * SIZE × SIZE by the preprocessing's own resize (resizeGray) and stored as an 8-bit gray PNG
 * under its old name, so that `--size SIZE` reads what it would read from the originals, to
 * within 0.5/255 of rounding. For machines the full data set cannot be sent to (a lent GPU
 * machine); crop-to-body recipes need the originals.
 *
 *   node --import ./scripts/register-loader.mjs scripts/resized-dataset.ts SRC DST [SIZE=224]
 */
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { loadImageFile } from '../src/train/data/load-image-file.ts';
import { resizeGray } from '../src/train/data/resize.ts';

const [src, dst, sizeText = '224'] = process.argv.slice(2);
if (!src || !dst) throw new Error('usage: resized-dataset.ts SRC DST [SIZE]');
const size = Number(sizeText);
for (const cls of await readdir(join(src, 'images'))) {
  await mkdir(join(dst, 'images', cls), { recursive: true });
  for (const file of await readdir(join(src, 'images', cls))) {
    const resized = resizeGray(await loadImageFile(join(src, 'images', cls, file)), size, size);
    const data = Uint8Array.from(resized, (v) => Math.round(Math.min(Math.max(v, 0), 1) * 255));
    await writeFile(join(dst, 'images', cls, file), encode({ width: size, height: size, data, channels: 1, depth: 8 }));
  }
}
await mkdir(join(dst, 'splits'), { recursive: true });
for (const list of await readdir(join(src, 'splits'))) await copyFile(join(src, 'splits', list), join(dst, 'splits', list));
await copyFile(join(src, 'meta.csv'), join(dst, 'meta.csv'));
