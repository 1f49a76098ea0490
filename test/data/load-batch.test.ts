import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/train/data/decode-image.ts';
import { ImageDecodeError } from '../../src/train/data/image.ts';
import { loadBatch } from '../../src/train/data/load-batch.ts';
import { preprocess } from '../../src/train/data/preprocess.ts';
import { COVID_CT_IMAGES, DICOM_ROOT } from './data-paths.ts';

describe('loadBatch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-batch-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const png = `${COVID_CT_IMAGES}/COVID/2020.02.10.20021584-p6-52_0.png`;
  const jpeg = `${COVID_CT_IMAGES}/NonCOVID/31.jpg`;
  const pngBytes = readFileSync(png);
  const write = (name: string, bytes: Uint8Array | string) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const good = join(dir, 'good.png');
  copyFileSync(png, good);
  const broken = [
    { path: write('empty.png', ''), reason: 'empty file' },
    { path: write('truncated.png', pngBytes.subarray(0, 3000)), reason: /^truncated PNG: chunk IDAT at byte/ },
    { path: write('page.png', '<!doctype html>'), reason: /^not an image: no PNG, JPEG or DICOM signature/ },
    { path: join(dir, 'missing.jpg'), reason: 'cannot read file (ENOENT)' },
    { path: `${DICOM_ROOT}/ct-jpeg2000.dcm`, reason: 'unsupported DICOM transfer syntax 1.2.840.10008.1.2.4.91 (JPEG 2000)' },
  ];
  const size = 16;
  const expected = (path: string) => preprocess(decodeImage(new Uint8Array(readFileSync(path)), path), { size });

  it('skips and reports unreadable files, keeping the good ones and their labels in order', async () => {
    const entries = [
      { path: good, label: 'COVID' as const },
      ...broken.map(({ path }) => ({ path, label: 'NonCOVID' as const })),
      { path: jpeg, label: 'NonCOVID' as const },
    ];
    const batch = await loadBatch(entries, { size });
    expect(Array.from(batch.labels)).toEqual([1, 0]);
    expect(batch.x.length).toBe(2 * size * size);
    expect(batch.x.subarray(0, size * size)).toEqual(expected(good));
    expect(batch.x.subarray(size * size)).toEqual(expected(jpeg));
    expect(batch.skipped.map((s) => s.path)).toEqual(broken.map((b) => b.path));
    batch.skipped.forEach((s, i) => expect(s.reason).toMatch(broken[i].reason));
  });

  it('throws the first bad file when strict', async () => {
    const entries = [{ path: good, label: 'COVID' as const }, { path: broken[1].path, label: 'COVID' as const }];
    const error = await loadBatch(entries, { size, strict: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect((error as ImageDecodeError).file).toBe(broken[1].path);
  });

  it('defaults to the 224 × 224 input', async () => {
    const batch = await loadBatch([{ path: good, label: 'COVID' }]);
    expect(batch.x.length).toBe(224 * 224);
    expect(batch.skipped).toEqual([]);
  });
});
