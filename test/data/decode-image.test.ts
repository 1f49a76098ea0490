import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/train/data/decode-image.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { catchDecodeError } from './catch-error.ts';
import { COVID_CT_IMAGES, DICOM_ROOT } from './data-paths.ts';
import { mean } from './image-stats.ts';

describe('decodeImage dispatches on the first bytes, not the name', () => {
  it.each([
    // A JPEG named .png in the data set, and a PNG and a DICOM file under misleading names.
    [`${COVID_CT_IMAGES}/COVID/2020.03.16.20035105-p6-64-1.png`, 'scan.png', 764, 482],
    [`${COVID_CT_IMAGES}/COVID/2020.02.10.20021584-p6-52_0.png`, 'scan.jpg', 287, 202],
    [`${DICOM_ROOT}/ct-small-explicit-le.dcm`, 'scan.png', 128, 128],
    [`${DICOM_ROOT}/no-file-meta.dcm`, 'scan', 128, 128],
  ])('%s as %s', (path, name, width, height) => {
    const image = decodeImage(new Uint8Array(readFileSync(path)), name);
    expect([image.width, image.height]).toEqual([width, height]);
    expect(mean(image.data)).toBeGreaterThan(0.5);
  });
});

describe('decodeImage rejects what is not an image', () => {
  it.each([
    [new Uint8Array(), 'empty file'],
    [new TextEncoder().encode('<html>not found</html>'), 'not an image: no PNG, JPEG or DICOM signature (file starts with 3c 68 74 6d 6c 3e 6e 6f)'],
    [new Uint8Array([0x89, 0x50, 0x4e]), 'truncated PNG: 3 bytes, not even the 8-byte signature'],
    [new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), 'truncated JPEG: file ends at byte 4 before the EOI marker'],
  ])('%#', async (bytes, reason) => {
    const error = await catchDecodeError(() => decodeImage(bytes, 'upload-7'));
    expect(error.file).toBe('upload-7');
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`${reason} in upload-7`);
  });
});

describe('loadImageFile', () => {
  it('decodes a file by path', async () => {
    const image = await loadImageFile(`${COVID_CT_IMAGES}/NonCOVID/31.jpg`);
    expect([image.width, image.height]).toEqual([412, 270]);
  });

  it('names the path of a file it cannot read', async () => {
    const path = `${COVID_CT_IMAGES}/COVID/no-such-file.png`;
    const error = await catchDecodeError(() => loadImageFile(path));
    expect(error.message).toBe(`cannot read file (ENOENT) in ${path}`);
  });
});
