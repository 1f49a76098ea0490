import source from '../../../shaders/pointwise.wgsl?raw';
import { reluBwd, reluFwd } from '../cpu/relu.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { sizeOf } from '../shape.ts';
import { sameShape } from './pointwise-shapes.ts';

export const relu = defineOp<object>({
  name: 'relu',
  kind: 'layer',
  inputs: ['x'],
  grads: [true],
  inferShapes: ([x]) => sameShape('relu', x),
  cpu: {
    fwd: ([x]) => [host(x.shape, reluFwd(x.data))],
    bwd: ([x], _outputs, dy) => [host(x.shape, reluBwd(x.data, dy.data))],
  },
  gpu: {
    modules: [{ source, fwdEntries: ['relu_fwd'], bwdEntries: ['relu_bwd'] }],
    fwd: (g, [x], [y]) => {
      const n = sizeOf(x.shape);
      g.run(source, 'relu_fwd', { x, y }, { n }, { threads: n });
    },
    bwd: (g, [x], _outputs, dy, [dx]) => {
      const n = sizeOf(x.shape);
      g.run(source, 'relu_bwd', { x, dy, y: dx! }, { n }, { threads: n });
    },
  },
});
