import type { OpCase } from '../harness/op-case.ts';

const net = { kernel: 3, stride: 2, ceilMode: true };

/** Max pool and global average pool: odd sizes, batch > 1, ceil/floor mode, padding, ties, the net's shapes. */
export const poolCases: OpCase[] = [
  { op: 'maxpool', inputs: [[2, 3, 7, 9]], attrs: net },
  // (H - k) odd: ceil mode adds a partial last window (8 → 4, 10 → 5).
  { op: 'maxpool', inputs: [[2, 3, 8, 10]], attrs: net },
  { op: 'maxpool', inputs: [[2, 3, 8, 10]], attrs: { kernel: 3, stride: 2, ceilMode: false } },
  // W = 5: ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th window would start in the right padding, so 3.
  { op: 'maxpool', inputs: [[3, 2, 4, 5]], attrs: { kernel: 2, stride: 2, pad: 1, ceilMode: true } },
  { op: 'maxpool', inputs: [[2, 3, 9, 8]], attrs: { kernel: 3, stride: 2, pad: 1, ceilMode: false } },
  // The 3×3 stride-2 kernel's tiles (2 rows × 4 columns): sizes leaving partial tiles, padding, ceil and floor, tiny images.
  { op: 'maxpool', inputs: [[3, 2, 13, 19]], attrs: { kernel: 3, stride: 2, pad: 1, ceilMode: true } },
  { op: 'maxpool', inputs: [[2, 3, 12, 17]], attrs: net },
  { op: 'maxpool', inputs: [[1, 2, 3, 3]], attrs: net },
  { op: 'maxpool', inputs: [[2, 1, 4, 3]], attrs: { kernel: 3, stride: 2, pad: 1, ceilMode: false } },
  { op: 'maxpool', inputs: [[2, 2, 11, 10]], attrs: { kernel: 3, stride: 2, ceilMode: false } },
  { op: 'maxpool', inputs: [[1, 4, 7, 7]], attrs: { kernel: 3, stride: 1, pad: 1, ceilMode: true } },
  { op: 'maxpool', inputs: [[1, 3, 10, 11]], attrs: { kernel: 5, stride: 2, pad: 2, ceilMode: true } },
  // Stride past the kernel: some inputs lie in no window and must get a zero gradient.
  { op: 'maxpool', inputs: [[2, 2, 5, 7]], attrs: { kernel: 2, stride: 3, ceilMode: true } },
  // Values 0, 1, 2 only: many ties, which both backends must give to the first maximum.
  { op: 'maxpool', inputs: [[2, 3, 9, 11]], attrs: net, fill: [{ labels: 3 }] },
  { op: 'maxpool', inputs: [[2, 2, 9, 8]], attrs: { ...net, pad: 1 }, fill: [{ labels: 2 }] },
  { op: 'maxpool', inputs: [[2, 2, 6, 6]], attrs: { kernel: 3, stride: 1, pad: 1, ceilMode: true }, fill: [{ labels: 2 }] },
  // light-cnn pool1, pool3, pool5: 112 → 56, 56 → 28, 28 → 14.
  { op: 'maxpool', inputs: [[1, 64, 112, 112]], attrs: net },
  { op: 'maxpool', inputs: [[2, 128, 56, 56]], attrs: net },
  { op: 'maxpool', inputs: [[2, 256, 28, 28]], attrs: net },
  { op: 'global_avg_pool', inputs: [[3, 5, 7, 9]] },
  { op: 'global_avg_pool', inputs: [[4, 7, 3, 1]] },
  { op: 'global_avg_pool', inputs: [[2, 1, 1, 1]] },
  // light-cnn: F is 320 × 56 × 56; squeezenet pools its 2 class maps at 14 × 14.
  { op: 'global_avg_pool', inputs: [[2, 320, 56, 56]] },
  { op: 'global_avg_pool', inputs: [[3, 2, 14, 14]] },
];

/** Small shapes for finite differences; random normal data has no ties. */
export const poolGradCases: OpCase[] = [
  { op: 'maxpool', inputs: [[2, 2, 5, 6]], attrs: net },
  { op: 'maxpool', inputs: [[1, 2, 4, 5]], attrs: { kernel: 2, stride: 2, pad: 1, ceilMode: true } },
  { op: 'maxpool', inputs: [[2, 1, 6, 5]], attrs: { kernel: 3, stride: 1, pad: 1, ceilMode: false } },
  { op: 'maxpool', inputs: [[1, 2, 4, 4]], attrs: { kernel: 2, stride: 2, ceilMode: false } },
  { op: 'global_avg_pool', inputs: [[2, 3, 4, 5]] },
  { op: 'global_avg_pool', inputs: [[1, 2, 3, 1]] },
];
