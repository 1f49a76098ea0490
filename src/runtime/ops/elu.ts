import source from '../../../shaders/pointwise.wgsl?raw';
import { eluBwd, eluFwd } from '../cpu/elu.ts';
import { eluBwdFast, eluFwdFast } from '../cpu/elu-fast.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, sizeOf } from '../shape.ts';
import { sameShape } from './pointwise-shapes.ts';

export interface EluAttrs { alpha?: number }

export const elu = defineOp<EluAttrs>({
  name: 'elu',
  kind: 'layer',
  inputs: ['x'],
  grads: [true],
  inferShapes: ([x], { alpha = 1 }) => {
    if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) throw new ShapeError('elu', `alpha must be a finite number ≥ 0, got ${String(alpha)}`);
    return sameShape('elu', x);
  },
  cpu: {
    fwd: ([x], { alpha = 1 }) => [host(x.shape, eluFwd(x.data, alpha))],
    bwd: ([x], _outputs, dy, { alpha = 1 }) => [host(x.shape, eluBwd(x.data, dy.data, alpha))],
  },
  cpuFast: {
    fwd: ([x], { alpha = 1 }) => [host(x.shape, eluFwdFast(x.data as Float32Array, alpha))],
    bwd: ([x], [y], dy, { alpha = 1 }) => [host(x.shape, eluBwdFast(x.data as Float32Array, y.data as Float32Array, dy.data as Float32Array, alpha))],
  },
  gpu: {
    modules: [{ source, fwdEntries: ['elu_fwd'], bwdEntries: ['elu_bwd'] }],
    fwd: (g, [x], [y], { alpha = 1 }) => {
      const n = sizeOf(x.shape);
      g.run(source, 'elu_fwd', { x, y }, { n, alpha }, { threads: n });
    },
    bwd: (g, [x], _outputs, dy, [dx], { alpha = 1 }) => {
      const n = sizeOf(x.shape);
      g.run(source, 'elu_bwd', { x, dy, y: dx! }, { n, alpha }, { threads: n });
    },
  },
});
