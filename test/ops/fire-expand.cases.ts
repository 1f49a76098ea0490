import type { OpCase } from '../harness/op-case.ts';

// inputs: s [N,S,H,W], w1 [E1,S,1,1], b1 [E1], w3 [E3,S,3,3], b3 [E3]
const fire = (s: number[], e1: number, e3: number, activation: 'elu' | 'relu', tol: { atol?: number; rtol?: number } = {}): OpCase =>
  ({ op: 'fire_expand', inputs: [s, [e1, s[1], 1, 1], [e1], [e3, s[1], 3, 3], [e3]], attrs: { activation }, ...tol });

// Sums of hundreds of products in float32 on the GPU against float64-accumulated JS (as conv2d.cases.ts).
const long = { atol: 5e-4, rtol: 2e-3 };
const veryLong = { atol: 2e-3, rtol: 5e-3 };

/** Odd shapes (branches of different widths, channels not a multiple of 8, rows wider than a 16-pixel tile), then the net's fires. */
export const fireExpandCases: OpCase[] = [
  fire([2, 3, 5, 7], 4, 5, 'elu'),
  fire([2, 3, 5, 7], 4, 5, 'relu'),
  fire([1, 5, 7, 19], 11, 9, 'relu'),
  fire([3, 2, 1, 1], 1, 3, 'elu'),
  fire([2, 7, 9, 17], 6, 13, 'elu'),
  // fire2/3 (custom: ELU), fire4/5, fire6/7, fire8/9 of light-cnn; the classic fires use ReLU
  fire([1, 16, 56, 56], 64, 64, 'elu', long),
  fire([2, 16, 56, 56], 64, 64, 'relu', veryLong),
  fire([2, 32, 28, 28], 128, 128, 'elu', long),
  fire([1, 48, 14, 14], 192, 192, 'relu', long),
  fire([2, 64, 14, 14], 256, 256, 'elu', long),
];

/** Small shapes for float64 finite differences of ds, dw1, db1, dw3 and db3. */
export const fireExpandGradCases: OpCase[] = [
  fire([2, 3, 4, 5], 2, 3, 'elu'),
  fire([1, 2, 3, 3], 1, 2, 'relu'),
  fire([2, 4, 5, 3], 3, 2, 'elu'),
];
