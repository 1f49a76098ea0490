import { describe, expect, it } from 'vitest';
import { cropToBody } from '../../src/train/data/body-crop.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { convexHull, cropToLungs, otsuLevel } from '../../src/train/data/lung-crop.ts';
import { cropFor, croppedFor } from '../../src/train/data/crop.ts';
import { cropBox } from '../../src/train/data/image.ts';
import { PREPROCESSING, preprocess } from '../../src/train/data/preprocess.ts';
import { resizeGray } from '../../src/train/data/resize.ts';
import { ROBUSTNESS_VIEWS, viewImage } from '../../src/train/views.ts';
import { COVID_CT_IMAGES } from './data-paths.ts';

/** 100 × 80, black surround; body 0.8 in [10, 90) × [10, 70) (with `margin` 2: [2, 98) × [2, 78)); lungs 0.2 in x [20, 45) and [55, 80), y [20, 60); a 0.7 lesion against the left lung's outer wall. */
function chest(margin = 10) {
  const width = 100;
  const data = new Float32Array(width * 80);
  const fill = (x0: number, y0: number, x1: number, y1: number, v: number) => {
    for (let y = y0; y < y1; y++) data.fill(v, y * width + x0, y * width + x1);
  };
  fill(margin, margin, width - margin, 80 - margin, 0.8);
  fill(20, 20, 45, 60, 0.2);
  fill(55, 20, 80, 60, 0.2);
  fill(20, 35, 24, 45, 0.7);
  return { width, height: 80, data };
}

describe('cropToLungs', () => {
  it('keeps the two lungs and the lesion on the wall of one, and blacks out the body between and around them', () => {
    const out = cropToLungs(chest()).image;
    expect([out.width, out.height]).toEqual([60, 40]);
    const at = (x: number, y: number) => out.data[y * out.width + x];
    expect(at(5, 5)).toBeCloseTo(0.2, 6); // left lung
    expect(at(50, 30)).toBeCloseTo(0.2, 6); // right lung
    expect(at(1, 20)).toBeCloseTo(0.7, 6); // the lesion: inside the lung's hull
    expect(at(30, 20)).toBe(0); // the mediastinum between the lungs
    expect(out.data.filter((v) => v > 0).length).toBe(2 * 25 * 40);
  });

  it('keeps the body crop when the body holds nothing dark enough to be a lung', () => {
    const image = chest();
    image.data.forEach((v, i) => (image.data[i] = v > 0 ? 0.8 : 0));
    expect(cropToLungs(image).image).toEqual(cropToBody(image));
  });

  it('finds the lungs of a real slice: the part of the body crop that holds them, the bright body gone', async () => {
    const slice = await loadImageFile(`${COVID_CT_IMAGES}/NonCOVID/1058.png`);
    const body = cropToBody(slice);
    const lungs = cropToLungs(slice).image;
    // 508 × 374 → 341 × 227: the lungs of this low slice lie above the liver and beside the heart
    expect(lungs.width).toBeGreaterThan(0.5 * body.width);
    expect(lungs.height).toBeGreaterThan(0.5 * body.height);
    expect(lungs.width * lungs.height).toBeLessThan(0.5 * body.width * body.height);
    const mean = (values: Float32Array) => values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean(lungs.data)).toBeLessThan(0.5 * mean(body.data)); // 0.058 against 0.240
  });
});

describe("cropFor 'lung-box'", () => {
  it('cuts the body to the lungs\' box and keeps everything in it, the mediastinum included', () => {
    const image = chest();
    const box = cropFor(image, 'lung-box');
    expect([box.width, box.height]).toEqual([60, 40]);
    expect(box.data[20 * 60 + 30]).toBeCloseTo(0.8, 6); // the mediastinum, blacked out by cropToLungs
    expect(box.data[20 * 60 + 1]).toBeCloseTo(0.7, 6); // the lesion
    expect(box.data.filter((v) => v === 0).length).toBe(0);
    image.data.forEach((v, i) => (image.data[i] = v > 0 ? 0.8 : 0));
    expect(cropFor(image, 'lung-box')).toEqual(cropToBody(image));
  });

  it('names the region of the uncropped image each crop keeps', () => {
    const image = chest();
    expect(croppedFor(image, 'lung-box').box).toEqual({ left: 20, top: 20, width: 60, height: 40 });
    expect(croppedFor(image, 'lungs').box).toEqual({ left: 20, top: 20, width: 60, height: 40 });
    expect(croppedFor(image, 'body').box).toEqual({ left: 10, top: 10, width: 80, height: 60 });
    expect(croppedFor(image, 'none').box).toEqual({ left: 0, top: 0, width: 100, height: 80 });
    for (const crop of ['none', 'body', 'lung-box'] as const) expect(croppedFor(image, crop).image).toEqual(cropBox(image, croppedFor(image, crop).box));
  });

  it('gives the same slice after the robustness crop when that crop leaves the lungs whole, where the body crop does not', () => {
    const image = chest(2); // the body fills the frame: the central 80% cuts into it, not into the lungs
    const cropped = viewImage(image, ROBUSTNESS_VIEWS[2]);
    expect(cropFor(cropped, 'lung-box')).toEqual(cropFor(image, 'lung-box'));
    expect(cropToBody(cropped).width).toBeLessThan(cropToBody(image).width);
  });
});

describe('preprocess with crop lungs', () => {
  it('resizes the lungs crop, so predict, eval and the viewer give the net what training did', () => {
    const image = chest();
    const want = resizeGray(cropToLungs(image).image, 8, 8).map((v) => (v - PREPROCESSING.mean) / PREPROCESSING.std);
    expect(Array.from(preprocess(image, { size: 8, crop: 'lungs' }))).toEqual(Array.from(want));
    expect(preprocess(image, { size: 8, crop: 'body' })).not.toEqual(want);
    const box = resizeGray(cropFor(image, 'lung-box'), 8, 8).map((v) => (v - PREPROCESSING.mean) / PREPROCESSING.std);
    expect(Array.from(preprocess(image, { size: 8, crop: 'lung-box' }))).toEqual(Array.from(box));
  });
});

describe('otsuLevel and convexHull', () => {
  it('splits a two-peaked histogram between its peaks', () => {
    const histogram = new Float64Array(256);
    histogram[40] = 500;
    histogram[50] = 300;
    histogram[200] = 400;
    histogram[210] = 100;
    const level = otsuLevel(histogram);
    expect(level).toBeGreaterThanOrEqual(50);
    expect(level).toBeLessThan(200);
  });

  it('takes the corners of a filled square and drops the points inside and on its edges', () => {
    const points: [number, number][] = [];
    for (let x = 0; x <= 4; x++) for (let y = 0; y <= 4; y++) points.push([x, y]);
    expect(convexHull(points)).toEqual([[0, 0], [4, 0], [4, 4], [0, 4]]);
    expect(convexHull([[3, 1]])).toEqual([[3, 1]]);
  });
});
