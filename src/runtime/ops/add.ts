import source from '../../../shaders/pointwise.wgsl?raw';
import { addFwd } from '../cpu/add.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { sizeOf } from '../shape.ts';
import { sameShapes } from './pointwise-shapes.ts';

/** Element-wise a + b: the bypass of squeezenet-bypass. */
export const add = defineOp<object>({
  name: 'add',
  kind: 'layer',
  inputs: ['a', 'b'],
  grads: [true, true],
  inferShapes: ([a, b]) => sameShapes('add', a, b),
  cpu: {
    fwd: ([a, b]) => [host(a.shape, addFwd(a.data, b.data))],
    bwd: ([a, b], _outputs, dy) => [host(a.shape, dy.data.slice()), host(b.shape, dy.data.slice())],
  },
  gpu: {
    modules: [{ source, fwdEntries: ['add_fwd'], bwdEntries: ['add_bwd'] }],
    fwd: (g, [a, b], [y]) => {
      const n = sizeOf(a.shape);
      g.run(source, 'add_fwd', { x: a, b, y }, { n }, { threads: n });
    },
    bwd: (g, [a], _outputs, dy, [da, db]) => {
      const n = sizeOf(a.shape);
      g.run(source, 'add_bwd', { dy, y: da!, y2: db! }, { n }, { threads: n });
    },
  },
});
