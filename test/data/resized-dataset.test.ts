import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { PREPROCESSING, preprocess } from '../../src/train/data/preprocess.ts';
import { COVID_CT_IMAGES } from './data-paths.ts';

const FILES = ['COVID/2020.01.24.919183-p27-132.png', 'NonCOVID/20.jpg']; // a PNG and a JPEG
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'covid-ct-resized-'));
  for (const f of FILES) {
    await mkdir(join(dir, 'src', 'images', f.split('/')[0]), { recursive: true });
    await copyFile(join(COVID_CT_IMAGES, f), join(dir, 'src', 'images', f));
  }
  await mkdir(join(dir, 'src', 'splits'));
  await writeFile(join(dir, 'src', 'splits', 'train.txt'), FILES.join('\n'));
  await writeFile(join(dir, 'src', 'meta.csv'), 'path,label,patient,split\n');
  const args = ['--import', './scripts/register-loader.mjs', 'scripts/resized-dataset.ts', join(dir, 'src'), join(dir, 'dst'), '224'];
  await new Promise<void>((resolve, reject) => execFile('node', args, (err) => (err ? reject(err) : resolve())));
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('scripts/resized-dataset.ts', () => {
  it('gives the net the same 224 × 224 input as the original image, to within the 8-bit rounding', async () => {
    const bound = 0.5 / 255 / PREPROCESSING.std + 1e-6;
    for (const f of FILES) {
      const resized = await loadImageFile(join(dir, 'dst', 'images', f));
      expect([resized.width, resized.height]).toEqual([224, 224]);
      const a = preprocess(await loadImageFile(join(COVID_CT_IMAGES, f)), { size: 224 });
      const b = preprocess(resized, { size: 224 });
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(bound);
    }
  });
});
