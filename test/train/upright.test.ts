import { describe, expect, it } from 'vitest';
import type { Net } from '../../src/nets/net.ts';
import { Random } from '../../src/runtime/random.ts';
import { quarterTurn } from '../../src/train/rotation-batch.ts';
import { turnFromViews, turnedUpright, turnsFromUpright } from '../../src/train/upright.ts';

const SIZE = 7;

/**
 * A stand-in orientation net that knows the way up by a marker: upright, an image's brightest
 * pixel lies in its top-left quadrant, and each quarter turn counter-clockwise carries it on to the
 * bottom-left (1), bottom-right (2) and top-right (3) quadrants. Its logit is 4 for that turn, 0 for the others.
 */
function markerNet(): Net {
  const forward = (x: { data: Float32Array; count: number }) => {
    const plane = SIZE * SIZE;
    const logits = new Float32Array(x.count * 4);
    for (let i = 0; i < x.count; i++) {
      const image = x.data.subarray(i * plane, (i + 1) * plane);
      const at = image.indexOf(Math.max(...image));
      const [top, left] = [Math.floor(at / SIZE) < SIZE / 2, at % SIZE < SIZE / 2];
      logits[i * 4 + (top ? (left ? 0 : 3) : left ? 1 : 2)] = 4;
    }
    return { logits: { read: async () => logits } };
  };
  const backend = { tensor: (shape: number[], data: Float32Array) => ({ data, count: shape[0], dispose: () => {} }) };
  return { spec: { inputShape: [1, SIZE, SIZE] }, backend, forward, release: () => {} } as unknown as Net;
}

/** `count` random images with their brightest pixel (2) in the top-left quadrant, each turned by its own random number of quarter turns. */
function turnedMarkerImages(count: number, rng: Random): { x: Float32Array; turns: number[] } {
  const plane = SIZE * SIZE;
  const x = new Float32Array(count * plane);
  const turns: number[] = [];
  for (let i = 0; i < count; i++) {
    const image = Float32Array.from({ length: plane }, () => rng.uniform(-0.5, 0.5));
    image[rng.int(3) * SIZE + rng.int(3)] = 2;
    turns.push(rng.int(4));
    x.set(quarterTurn(image, SIZE, turns[i]), i * plane);
  }
  return { x, turns };
}

describe('turning images upright', () => {
  it('turnFromViews names the turn r under which the four views (turned 0–3 more) are most likely, even when one view is wrong', () => {
    for (let r = 0; r < 4; r++) {
      const sure = new Float32Array(16).fill(0.02);
      for (let j = 0; j < 4; j++) sure[j * 4 + ((r + j) % 4)] = 0.94;
      expect(turnFromViews(sure)).toBe(r);
    }
    // the image as it is (row 0) looks upright to the net; turned 1, 2, 3 more it looks turned 2, 3, 0: r = 1
    const outvoted = Float32Array.from([0.6, 0.3, 0.05, 0.05, 0.1, 0.1, 0.7, 0.1, 0.1, 0.1, 0.1, 0.7, 0.7, 0.1, 0.1, 0.1]);
    expect(outvoted.indexOf(Math.max(...outvoted.subarray(0, 4)))).toBe(0);
    expect(turnFromViews(outvoted)).toBe(1);
  });

  it('turnsFromUpright finds every image\'s turn from upright, over batches of 3 and a last partial one (7 images)', async () => {
    const { x, turns } = turnedMarkerImages(7, new Random(3));
    expect(new Set(turns).size).toBeGreaterThan(2);
    const found = await turnsFromUpright(markerNet(), { count: 7, size: SIZE, x, labels: new Float32Array(7) }, 3);
    expect([...found]).toEqual(turns);
  });

  it('turnedUpright turns each image back by its turn: exactly the upright images (2 channels, odd size)', () => {
    const rng = new Random(5);
    const values = 2 * SIZE * SIZE;
    const upright = Float32Array.from({ length: 5 * values }, () => rng.uniform(0, 1));
    const turns = Int32Array.from([0, 1, 2, 3, 1]);
    const turned = new Float32Array(upright.length);
    turns.forEach((k, i) => turned.set(quarterTurn(upright.subarray(i * values, (i + 1) * values), SIZE, k), i * values));
    expect(turned).not.toEqual(upright);
    const back = turnedUpright({ count: 5, size: SIZE, x: turned, labels: new Float32Array(5) }, turns);
    expect(back.x).toEqual(upright);
  });
});
