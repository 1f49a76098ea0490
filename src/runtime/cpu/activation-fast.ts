import type { Activation } from '../ops/activation.ts';
import { simdElu } from './elu-simd.ts';
import { isShared, parallelFor, type Task } from './parallel.ts';

// The activation a layer op applies to its output (ELU with α = 1, or ReLU), on float32
// ranges, for the cpu fast paths: act(z), and dz = dy·act′ read from the output y
// (ELU: y > 0 ⇔ z > 0, and eᶻ = y + 1). ELU's exp is the WebAssembly SIMD kernel of
// elu-simd.ts where there is one (within 1 ulp or 6e-8 of Math.exp(z) − 1), and so is its
// gradient (within 1 ulp of dy·(y + 1) rounded once).

const simd = simdElu();
/** Values per work item of a threaded activation. */
const ITEM = 65536;

interface ActArgs { from: Float32Array; f: number; to: Float32Array; t: number; count: number; act: Activation }

export const activateTask: Task<ActArgs> = {
  name: 'activate',
  run({ from, f, to, t, count, act }, item) {
    activateSerial(from, f + item * ITEM, to, t + item * ITEM, Math.min(ITEM, count - item * ITEM), act);
  },
};

/** to[t + i] = act(from[f + i]) for i < count; on the worker pool where both arrays are shared. */
export function activateRange(from: Float32Array, f: number, to: Float32Array, t: number, count: number, act: Activation): void {
  if (count > ITEM && isShared(from) && isShared(to)) parallelFor(activateTask, { from, f, to, t, count, act }, Math.ceil(count / ITEM));
  else activateSerial(from, f, to, t, count, act);
}

function activateSerial(from: Float32Array, f: number, to: Float32Array, t: number, count: number, act: Activation): void {
  if (act === 'elu' && simd) simd.elu(from, f, to, t, count);
  else if (act === 'elu') {
    for (let i = 0; i < count; i++) {
      const v = from[f + i];
      to[t + i] = v > 0 ? v : Math.exp(v) - 1;
    }
  } else {
    for (let i = 0; i < count; i++) {
      const v = from[f + i];
      to[t + i] = v > 0 ? v : 0;
    }
  }
}

interface GradArgs { y: Float32Array; dy: Float32Array; f: number; to: Float32Array; t: number; count: number; act: Activation }

export const activationGradTask: Task<GradArgs> = {
  name: 'activation.grad',
  run({ y, dy, f, to, t, count, act }, item) {
    activationGradSerial(y, dy, f + item * ITEM, to, t + item * ITEM, Math.min(ITEM, count - item * ITEM), act);
  },
};

/** to[t + i] = dy[f + i]·act′ read from y[f + i], for i < count; on the worker pool where the arrays are shared. */
export function activationGradRange(y: Float32Array, dy: Float32Array, f: number, to: Float32Array, t: number, count: number, act: Activation): void {
  if (count > ITEM && isShared(y) && isShared(dy) && isShared(to)) parallelFor(activationGradTask, { y, dy, f, to, t, count, act }, Math.ceil(count / ITEM));
  else activationGradSerial(y, dy, f, to, t, count, act);
}

function activationGradSerial(y: Float32Array, dy: Float32Array, f: number, to: Float32Array, t: number, count: number, act: Activation): void {
  if (act === 'elu' && simd) simd.eluGrad(y, dy, f, to, t, count);
  else if (act === 'elu') {
    for (let i = 0; i < count; i++) {
      const v = y[f + i];
      to[t + i] = v > 0 ? dy[f + i] : dy[f + i] * (v + 1);
    }
  } else {
    for (let i = 0; i < count; i++) to[t + i] = y[f + i] > 0 ? dy[f + i] : 0;
  }
}
