import type { FireExpandGeometry } from '../ops/fire-expand-shapes.ts';
import { activateRange, activationGradRange } from './activation-fast.ts';
import { conv2dBwdFast, conv2dFwdFast } from './conv2d-fast.ts';
import { outputF32 } from './parallel.ts';
import { recycle } from './array-pool.ts';

// fire_expand for the cpu backend's float32 tensors: the two convolutions by conv2d-fast,
// their outputs activated straight into their channel slices of y (one pass, one loop per
// slice and activation), and backward's act′ read from y and written straight into the
// branches' dz.

export function fireExpandFwdFast(s: Float32Array, w1: Float32Array, b1: Float32Array, w3: Float32Array, b3: Float32Array, geo: FireExpandGeometry): Float32Array {
  const { one, three } = geo;
  const hw = one.h * one.w;
  const size1 = one.o * hw;
  const size3 = three.o * hw;
  const y = outputF32(one.n * (size1 + size3));
  const z1 = conv2dFwdFast(s, w1, b1, one);
  const z3 = conv2dFwdFast(s, w3, b3, three);
  for (let n = 0, at = 0; n < one.n; n++, at += size1 + size3) {
    activateRange(z1, n * size1, y, at, size1, geo.activation);
    activateRange(z3, n * size3, y, at + size1, size3, geo.activation);
  }
  recycle(z1);
  recycle(z3);
  return y;
}

/** [ds, dw1, db1, dw3, db3] from the output y and its gradient dy. */
export function fireExpandBwdFast(s: Float32Array, w1: Float32Array, w3: Float32Array, y: Float32Array, dy: Float32Array, geo: FireExpandGeometry): Float32Array[] {
  const { one, three } = geo;
  const hw = one.h * one.w;
  const size1 = one.o * hw;
  const size3 = three.o * hw;
  const dz1 = outputF32(one.n * size1);
  const dz3 = outputF32(one.n * size3);
  for (let n = 0, at = 0; n < one.n; n++, at += size1 + size3) {
    activationGradRange(y, dy, at, dz1, n * size1, size1, geo.activation);
    activationGradRange(y, dy, at + size1, dz3, n * size3, size3, geo.activation);
  }
  const a = conv2dBwdFast(s, w1, dz1, one);
  const b = conv2dBwdFast(s, w3, dz3, three, a.dx!);
  for (const spent of [dz1, dz3]) recycle(spent);
  return [a.dx!, a.dw, a.db, b.dw, b.db];
}
