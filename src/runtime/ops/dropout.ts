import source from '../../../shaders/pointwise.wgsl?raw';
import { dropoutMask, mul } from '../cpu/dropout.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, sizeOf } from '../shape.ts';
import { sameShape } from './pointwise-shapes.ts';

/** Inverted dropout: outputs [y, mask]; the mask is a pure function of (seed, element index). */
export interface DropoutAttrs { p: number; seed: number }

function check({ p, seed }: DropoutAttrs): void {
  if (!(p >= 0 && p < 1)) throw new ShapeError('dropout', `p must be in [0, 1), got ${p}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ShapeError('dropout', `seed must be a u32, got ${seed}`);
}

export const dropout = defineOp<DropoutAttrs>({
  name: 'dropout',
  kind: 'layer',
  inputs: ['x'],
  grads: [true],
  inferShapes: ([x], attrs) => {
    check(attrs);
    const [s] = sameShape('dropout', x);
    return [s, s];
  },
  cpu: {
    fwd: ([x], { p, seed }) => {
      const mask = dropoutMask(x.data, x.data.length, p, seed);
      return [host(x.shape, mul(x.data, mask)), host(x.shape, mask)];
    },
    bwd: ([x], [, mask], dy) => [host(x.shape, mul(dy.data, mask.data))],
  },
  gpu: {
    modules: [{ source, fwdEntries: ['dropout_fwd'], bwdEntries: ['dropout_bwd'] }],
    fwd: (g, [x], [y, mask], { p, seed }) => {
      const n = sizeOf(x.shape);
      g.run(source, 'dropout_fwd', { x, y, y2: mask }, { n, p, scale: 1 / (1 - p), seed }, { threads: n });
    },
    bwd: (g, [x], [, mask], dy, [dx], { p, seed }) => {
      const n = sizeOf(x.shape);
      g.run(source, 'dropout_bwd', { dy, mask, y: dx! }, { n, p, scale: 1 / (1 - p), seed }, { threads: n });
    },
  },
});
