import type { GrayImage } from '../../src/train/data/image.ts';

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Population standard deviation. */
export function std(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] - m) ** 2;
  return Math.sqrt(sum / values.length);
}

export function pixel(image: GrayImage, x: number, y: number): number {
  return image.data[y * image.width + x];
}

/** Mean of the size × size block whose top-left corner is (x, y). */
export function blockMean(image: GrayImage, x: number, y: number, size: number): number {
  let sum = 0;
  for (let row = y; row < y + size; row++) for (let col = x; col < x + size; col++) sum += pixel(image, col, row);
  return sum / (size * size);
}

export function countDifferences(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let differences = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) differences++;
  return differences;
}
