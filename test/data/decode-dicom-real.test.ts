import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeDicom } from '../../src/train/data/dicom/decode-dicom.ts';
import { LUNG_WINDOW } from '../../src/train/data/dicom/hounsfield.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { catchDecodeError } from './catch-error.ts';
import { DICOM_ROOT } from './data-paths.ts';
import { blockMean, countDifferences, mean, pixel } from './image-stats.ts';

const read = (name: string) => new Uint8Array(readFileSync(`${DICOM_ROOT}/${name}`));
/** Lung window (centre −600, width 1500): −1350 HU → 0, 150 HU → 1. */
const lung = (hu: number) => Math.min(Math.max((hu + 1350) / 1500, 0), 1);

// Reference numbers: pydicom + NumPy (HU = stored · slope + intercept).
describe('decodeDicom on the 512 × 512 chest CT slice', () => {
  const explicit = decodeDicom(read('chest-ct-explicit-le.dcm'), 'chest-ct-explicit-le.dcm');

  it('uses the lung window of the task: centre −600 HU, width 1500 HU', () => {
    expect(LUNG_WINDOW).toEqual({ centreHU: -600, widthHU: 1500 });
  });

  it('has the size and window statistics pydicom gives', () => {
    expect([explicit.width, explicit.height]).toEqual([512, 512]);
    expect(mean(explicit.data)).toBeCloseTo(0.551532, 5);
    expect(pixel(explicit, 256, 256)).toBeCloseTo(lung(-59), 6);
  });

  it('maps the padding outside the scan circle (−3024 HU) to 0', () => {
    for (const [x, y] of [[0, 0], [511, 0], [0, 511], [511, 511]]) expect(pixel(explicit, x, y)).toBe(0);
  });

  it('maps air outside the body (rows 12–19, columns 180–187: mean −985.375 HU) to 0.2431', () => {
    // The lung window starts at −1350 HU, so air at about −1000 HU is dark gray, not black.
    expect(blockMean(explicit, 180, 12, 8)).toBeCloseTo(lung(-985.375), 6);
  });

  it('gives identical pixels from the RLE Lossless copy', () => {
    const rle = decodeDicom(read('chest-ct-rle.dcm'), 'chest-ct-rle.dcm');
    expect([rle.width, rle.height]).toEqual([512, 512]);
    expect(countDifferences(rle.data, explicit.data)).toBe(0);
  });

  it('reports a file cut inside Pixel Data as truncated', async () => {
    // pydicom's leanread puts the Pixel Data value at byte 6402, after a 12-byte header.
    const cut = read('chest-ct-explicit-le.dcm').subarray(0, 300_000);
    const error = await catchDecodeError(() => decodeDicom(cut, 'cut.dcm'));
    expect(error.message).toBe('truncated DICOM: element (7FE0,0010) at byte 6390 declares 524288 bytes, only 293598 left in cut.dcm');
  });

  it('reports a file cut inside an element header as truncated', async () => {
    const error = await catchDecodeError(() => decodeDicom(read('chest-ct-explicit-le.dcm').subarray(0, 135), 'head.dcm'));
    expect(error.reason).toBe('truncated DICOM: file ends at byte 135 inside an element header');
  });
});

describe('decodeDicom on the 128 × 128 CT slice', () => {
  const withMeta = decodeDicom(read('ct-small-explicit-le.dcm'), 'ct-small-explicit-le.dcm');

  it('has the size and values pydicom gives', () => {
    expect([withMeta.width, withMeta.height]).toEqual([128, 128]);
    expect(mean(withMeta.data)).toBeCloseTo(0.801762, 5);
    expect(pixel(withMeta, 0, 0)).toBeCloseTo(lung(-849), 6);
    expect(pixel(withMeta, 64, 64)).toBe(1); // 904 HU, above the window
  });

  it('reads the same slice stored as a bare data set without file meta header', () => {
    const bare = decodeDicom(read('no-file-meta.dcm'), 'no-file-meta.dcm');
    expect([bare.width, bare.height]).toEqual([128, 128]);
    expect(countDifferences(bare.data, withMeta.data)).toBe(0);
  });
});

describe('DICOM transfer syntaxes we cannot read', () => {
  it.each([
    ['chest-localizer-jpeg-lossless.dcm', '1.2.840.10008.1.2.4.70 (JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1))'],
    ['ct-jpeg2000.dcm', '1.2.840.10008.1.2.4.91 (JPEG 2000)'],
  ])('%s gives a clear error naming the file', async (name, syntax) => {
    const path = `${DICOM_ROOT}/${name}`;
    const error = await catchDecodeError(() => loadImageFile(path));
    expect(error.file).toBe(path);
    expect(error.message).toBe(`unsupported DICOM transfer syntax ${syntax} in ${path}`);
  });
});
