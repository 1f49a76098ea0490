import { describe, expect, it } from 'vitest';
import { bodyBox, cropToBody } from '../../src/train/data/body-crop.ts';
import { checkPreprocessing } from '../../src/train/data/check-preprocessing.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { PREPROCESSING, preprocess } from '../../src/train/data/preprocess.ts';
import { resizeGray } from '../../src/train/data/resize.ts';
import { COVID_CT_IMAGES } from './data-paths.ts';

/** A black width × height image with a grey body in [x0, x1) × [y0, y1). */
function framed(width: number, height: number, [x0, y0, x1, y1]: number[]) {
  const data = new Float32Array(width * height);
  for (let y = y0; y < y1; y++) data.fill(0.6, y * width + x0, y * width + x1);
  return { width, height, data };
}

describe('cropToBody', () => {
  it('crops the black frame away, to the body\'s bounding box', () => {
    const out = cropToBody(framed(40, 30, [5, 4, 33, 27]));
    expect([out.width, out.height]).toEqual([28, 23]);
    expect(out.data.every((v) => v === Math.fround(0.6))).toBe(true);
  });

  it('ignores a panel letter in the margin', () => {
    const image = framed(100, 80, [10, 20, 90, 75]);
    for (let y = 2; y < 9; y++) image.data.fill(1, y * 100 + 2, y * 100 + 8); // a 6 × 7 white letter, top left
    const out = cropToBody(image);
    expect([out.width, out.height]).toEqual([80, 55]);
  });

  it('keeps the whole image when nothing, or too little, is bright', () => {
    const dark = framed(50, 50, [0, 0, 0, 0]);
    expect(bodyBox(dark)).toEqual({ left: 0, top: 0, width: 50, height: 50 });
    expect(cropToBody(dark)).toEqual(dark);
    const speck = framed(50, 50, [20, 20, 30, 30]);
    expect(bodyBox(speck)).toEqual({ left: 0, top: 0, width: 50, height: 50 });
    expect(cropToBody(speck)).toEqual(speck);
  });

  it('takes the dark surround of a real slice off', async () => {
    const surrounded = await loadImageFile(`${COVID_CT_IMAGES}/COVID/2020.03.22.20040782-p24-1533-8.png`);
    const cropped = cropToBody(surrounded);
    // this slice was cut from a figure with a wide dark margin: about half the area goes
    expect(cropped.width * cropped.height).toBeLessThan(0.7 * surrounded.width * surrounded.height);
    expect(cropped.width).toBeGreaterThan(0.3 * surrounded.width);
    expect(cropped.height).toBeGreaterThan(0.3 * surrounded.height);
  });
});

describe('preprocess with crop', () => {
  it('resizes the crop, not the whole image', () => {
    const image = framed(40, 30, [5, 4, 33, 27]);
    const out = preprocess(image, { size: 8, crop: 'body' });
    expect(Array.from(out)).toEqual(Array.from(resizeGray(cropToBody(image), 8, 8), (v) => Math.fround((v - PREPROCESSING.mean) / PREPROCESSING.std)));
    expect(preprocess(image, { size: 8 })).not.toEqual(out);
  });

  it('a model records its crop; older models without one mean none; an unknown crop is refused by name', () => {
    expect(checkPreprocessing({ ...PREPROCESSING }, 'old.safetensors')).toEqual({ crop: 'none', normalise: 'dataset' });
    expect(checkPreprocessing({ ...PREPROCESSING, crop: 'body' }, 'm.safetensors')).toEqual({ crop: 'body', normalise: 'dataset' });
    expect(checkPreprocessing({ ...PREPROCESSING, crop: 'lungs' }, 'm.safetensors')).toEqual({ crop: 'lungs', normalise: 'dataset' });
    expect(checkPreprocessing({ ...PREPROCESSING, crop: 'lung-box' }, 'm.safetensors')).toEqual({ crop: 'lung-box', normalise: 'dataset' });
    expect(() => checkPreprocessing({ ...PREPROCESSING, crop: 'heart' }, 'm.safetensors')).toThrow('m.safetensors: trained with preprocessing crop = "heart", this build knows none, body, lungs, lung-box');
  });
});
