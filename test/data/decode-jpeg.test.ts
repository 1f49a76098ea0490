import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeJpeg } from '../../src/train/data/decode-jpeg.ts';
import { catchDecodeError } from './catch-error.ts';
import { COVID_CT_IMAGES } from './data-paths.ts';
import { blockMean, mean, pixel, std } from './image-stats.ts';
import { jpegWithOrientation } from './jpeg-with-exif.ts';

const read = (name: string) => new Uint8Array(readFileSync(`${COVID_CT_IMAGES}/${name}`));

// Reference numbers: Pillow (libjpeg) + NumPy, gray = BT.601 luma / 255. jpeg-js rounds its
// IDCT and chroma upsampling differently from libjpeg, so values agree to about 1/255, not exactly.
describe('decodeJpeg on data set files', () => {
  it.each([
    { name: 'NonCOVID/31.jpg', kind: 'baseline gray', width: 412, height: 270, mean: 0.697372, std: 0.249432, block: 0.492417 },
    { name: 'NonCOVID/28.jpg', kind: 'progressive gray', width: 448, height: 333, mean: 0.627412, std: 0.273383, block: 0.207192 },
    { name: 'NonCOVID/21_0.jpg', kind: 'baseline colour', width: 601, height: 496, mean: 0.624557, std: 0.257482, block: 0.284612 },
    { name: 'NonCOVID/25_2.jpg', kind: 'progressive colour', width: 342, height: 256, mean: 0.710409, std: 0.283452, block: 0.899892 },
    { name: 'COVID/2020.03.16.20035105-p6-64-1.png', kind: 'colour with EXIF, named .png', width: 764, height: 482, mean: 0.857355, std: 0.263098, block: 0.937399 },
    { name: 'COVID/2020.03.16.20036145-p19-128-4.png', kind: 'colour with EXIF orientation 1', width: 794, height: 494, mean: 0.70926, std: 0.333392, block: 0.193624 },
  ])('$kind $name', (c) => {
    const image = decodeJpeg(read(c.name), c.name);
    expect([image.width, image.height]).toEqual([c.width, c.height]);
    expect(Math.abs(mean(image.data) - c.mean)).toBeLessThan(0.003);
    expect(Math.abs(std(image.data) - c.std)).toBeLessThan(0.003);
    expect(Math.abs(blockMean(image, c.width >> 2, c.height >> 2, 32) - c.block)).toBeLessThan(0.01);
  });
});

describe('decodeJpeg applies the EXIF orientation', () => {
  // 32 × 16 image, one gray level per quadrant.
  const [TL, TR, BL, BR] = [30, 90, 160, 230];
  const gray = Array.from({ length: 32 * 16 }, (_, i) => {
    const [x, y] = [i % 32, Math.floor(i / 32)];
    return y < 8 ? (x < 16 ? TL : TR) : x < 16 ? BL : BR;
  });
  // Which stored quadrant lands in each displayed corner (top-left, top-right, bottom-left,
  // bottom-right); checked against Pillow's ImageOps.exif_transpose.
  const corners: Record<number, number[]> = {
    1: [TL, TR, BL, BR],
    2: [TR, TL, BR, BL],
    3: [BR, BL, TR, TL],
    4: [BL, BR, TL, TR],
    5: [TL, BL, TR, BR],
    6: [BL, TL, BR, TR],
    7: [BR, TR, BL, TL],
    8: [TR, BR, TL, BL],
  };

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i', (orientation) => {
    for (const bigEndian of [false, true]) {
      const image = decodeJpeg(jpegWithOrientation(gray, 32, 16, orientation, bigEndian), 'oriented.jpg');
      expect([image.width, image.height]).toEqual(orientation >= 5 ? [16, 32] : [32, 16]);
      const { width: w, height: h } = image;
      const seen = [pixel(image, 2, 2), pixel(image, w - 3, 2), pixel(image, 2, h - 3), pixel(image, w - 3, h - 3)];
      seen.forEach((value, i) => expect(Math.abs(value * 255 - corners[orientation][i])).toBeLessThan(4));
    }
  });

  it('a file without EXIF is left as stored', () => {
    const image = decodeJpeg(jpegWithOrientation(gray, 32, 16), 'plain.jpg');
    expect([image.width, image.height]).toEqual([32, 16]);
    expect(Math.abs(pixel(image, 29, 13) * 255 - BR)).toBeLessThan(4);
  });
});

describe('decodeJpeg on colour codings', () => {
  // One 64 × 64 gray ramp (column x at round(255 x / 63)), by libjpeg's cjpeg -quality 100, as YCbCr and with -rgb (an Adobe segment, transform 0)
  it('reads samples an Adobe segment marks untransformed as RGB, not YCbCr', () => {
    const fixture = (name: string) => decodeJpeg(new Uint8Array(readFileSync(`test/fixtures/${name}`)), name);
    for (const image of [fixture('gradient-64-ycbcr.jpg'), fixture('gradient-64-adobe-rgb.jpg')]) {
      for (const x of [4, 20, 36, 52]) expect(Math.abs(pixel(image, x, 0) * 255 - Math.round((255 * x) / 63))).toBeLessThanOrEqual(2);
    }
  });
});

describe('decodeJpeg on damaged files', () => {
  const good = read('NonCOVID/31.jpg');

  it('a file cut inside the scan data is truncated', async () => {
    const error = await catchDecodeError(() => decodeJpeg(good.subarray(0, 20_000), 'cut.jpg'));
    expect(error.file).toBe('cut.jpg');
    expect(error.message).toBe('truncated JPEG: file ends at byte 20000 before the EOI marker in cut.jpg');
  });

  it('a file cut inside its headers is truncated', async () => {
    const error = await catchDecodeError(() => decodeJpeg(good.subarray(0, 100), 'header.jpg'));
    expect(error.reason).toBe('truncated JPEG: file ends at byte 100 before the EOI marker');
  });

  it('a scan overwritten with junk is corrupt, with the library reason', async () => {
    const junk = Uint8Array.from(good);
    junk.fill(0x00, 1000, junk.length - 2);
    const error = await catchDecodeError(() => decodeJpeg(junk, 'junk.jpg'));
    expect(error.reason).toMatch(/^corrupt JPEG: /);
  });

  it('samples of other than 8 bits are unsupported, and a frame of height 0 corrupt (the library clamped the one, returned 0 rows for the other)', async () => {
    const frame = Buffer.from(good).indexOf(Buffer.from([0xff, 0xc0]));
    const twelveBit = Uint8Array.from(good);
    twelveBit[frame + 4] = 12;
    expect((await catchDecodeError(() => decodeJpeg(twelveBit, 'x.jpg'))).reason).toBe('unsupported JPEG: 12-bit samples (8-bit ones are read)');
    const flat = Uint8Array.from(good);
    flat.fill(0, frame + 5, frame + 7);
    const width = (good[frame + 7] << 8) | good[frame + 8];
    expect((await catchDecodeError(() => decodeJpeg(flat, 'x.jpg'))).reason).toBe(`corrupt JPEG: image of ${width} × 0 pixels (a height given by a DNL marker is not read)`);
  });

  it('an arithmetic-coded or JPEG-LS frame is unsupported, not corrupt', async () => {
    const arithmetic = Uint8Array.from(good);
    const frame = Buffer.from(good).indexOf(Buffer.from([0xff, 0xc0]));
    arithmetic[frame + 1] = 0xc9;
    const error = await catchDecodeError(() => decodeJpeg(arithmetic, 'arith.jpg'));
    expect(error.reason).toBe('unsupported JPEG: SOF9 (lossless, hierarchical or arithmetic coding; baseline and progressive are read)');
    arithmetic[frame + 1] = 0xf7;
    expect((await catchDecodeError(() => decodeJpeg(arithmetic, 'ls.jpg'))).reason).toBe('unsupported JPEG: SOF55 (lossless, hierarchical or arithmetic coding; baseline and progressive are read)');
  });
});
