// How an ensemble's members' answers make one: class probabilities by their mean, maps by placing each over its crop.
import type { Box } from '../train/data/image.ts';

/** The element-wise mean of equally long arrays (one array: itself, exactly). */
export function meanOf(arrays: Float32Array[]): Float32Array {
  const mean = new Float32Array(arrays[0].length);
  for (const a of arrays) for (let i = 0; i < mean.length; i++) mean[i] += a[i];
  return mean.map((v) => v / arrays.length);
}

/** What an ensemble's members must share: each may prepare images its own way, but all score the same input size and classes. */
export interface MemberShape {
  name: string;
  inputShape: readonly number[];
  classNames: readonly string[];
}

/** Throws, naming both files and the field, unless every member takes the first's input size and class names. */
export function checkMembersAgree(members: MemberShape[]): void {
  const fields = [['input size', (m: MemberShape) => m.inputShape.join('×')], ['class names', (m: MemberShape) => m.classNames.join(',')]] as const;
  for (const m of members.slice(1)) {
    for (const [field, value] of fields) {
      if (value(m) !== value(members[0])) throw new Error(`ensemble members differ in ${field}: ${members[0].name} has ${value(members[0])}, ${m.name} has ${value(m)}`);
    }
  }
}

/** A class activation map on its feature grid, and the region of the uncropped slice the net's input showed. */
export interface PlacedCam {
  data: Float32Array;
  height: number;
  width: number;
  box: Box;
}

/**
 * An ensemble's map on its first member's grid and region, so it lies over that member's picture.
 * Each cell is the mean, over the members whose region holds the cell's centre, of their maps
 * sampled there bilinearly (centres aligned, as upsampleBilinear samples). The first member holds
 * every cell. A member with the first's region and grid adds its own cells as they are.
 */
export function ensembleCam(cams: PlacedCam[]): { data: Float32Array; height: number; width: number } {
  const [first] = cams;
  const { height, width, box } = first;
  const sum = new Float32Array(height * width);
  const count = new Uint16Array(height * width);
  for (const cam of cams) {
    const alike = cam.height === height && cam.width === width && sameBox(cam.box, box);
    for (let y = 0, i = 0; y < height; y++) {
      const v = box.top + ((y + 0.5) * box.height) / height;
      for (let x = 0; x < width; x++, i++) {
        const value = alike ? cam.data[i] : sampleAt(cam, box.left + ((x + 0.5) * box.width) / width, v);
        if (value === undefined) continue;
        sum[i] += value;
        count[i]++;
      }
    }
  }
  return { data: sum.map((s, i) => s / count[i]), height, width };
}

const sameBox = (a: Box, b: Box) => a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;

/** The map's bilinear value at the slice's point (u, v), or undefined outside the map's region. */
function sampleAt({ data, height, width, box }: PlacedCam, u: number, v: number): number | undefined {
  if (u < box.left || u >= box.left + box.width || v < box.top || v >= box.top + box.height) return undefined;
  const sx = Math.min(Math.max(((u - box.left) * width) / box.width - 0.5, 0), width - 1);
  const sy = Math.min(Math.max(((v - box.top) * height) / box.height - 0.5, 0), height - 1);
  const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
  const [x1, y1] = [Math.min(x0 + 1, width - 1), Math.min(y0 + 1, height - 1)];
  const [fx, fy] = [sx - x0, sy - y0];
  const top = data[y0 * width + x0] * (1 - fx) + data[y0 * width + x1] * fx;
  const bottom = data[y1 * width + x0] * (1 - fx) + data[y1 * width + x1] * fx;
  return top * (1 - fy) + bottom * fy;
}
