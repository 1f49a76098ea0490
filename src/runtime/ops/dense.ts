import source from '../../../shaders/dense.wgsl?raw';
import { denseFwd, denseGradB, denseGradW, denseGradX, type DenseDims } from '../cpu/dense.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, checkDims, fmt, type Shape } from '../shape.ts';

const OP = 'dense';

/** y [N,M] of x [N,K], w [M,K] (PyTorch's Linear layout) and b [M]. */
export function denseShape(x: Shape, w: Shape, b: Shape): Shape[] {
  checkDims(OP, 'x', x, 2);
  checkDims(OP, 'w', w, 2);
  if (w[1] !== x[1]) throw new ShapeError(OP, `w ${fmt(w)} must have ${x[1]} columns (the features of x ${fmt(x)}), got ${w[1]}`);
  if (b.length !== 1 || b[0] !== w[0]) throw new ShapeError(OP, `b must have shape [${w[0]}] (the rows of w ${fmt(w)}), got ${fmt(b)}`);
  return [[x[0], w[0]]];
}

const dimsOf = (x: Shape, w: Shape): DenseDims => ({ n: x[0], k: x[1], m: w[0] });

/** y = x·wᵀ + b: the classifier of the light-cnn (320 → 2). */
export const dense = defineOp<object>({
  name: OP,
  kind: 'layer',
  inputs: ['x', 'w', 'b'],
  grads: [true, true, true],
  inferShapes: ([x, w, b]) => denseShape(x, w, b),
  cpu: {
    fwd: ([x, w, b]) => {
      const d = dimsOf(x.shape, w.shape);
      return [host([d.n, d.m], denseFwd(x.data, w.data, b.data, d))];
    },
    bwd: ([x, w, b], _outputs, dy) => {
      const d = dimsOf(x.shape, w.shape);
      return [
        host(x.shape, denseGradX(dy.data, w.data, d)),
        host(w.shape, denseGradW(dy.data, x.data, d)),
        host(b.shape, denseGradB(dy.data, d)),
      ];
    },
  },
  gpu: {
    modules: [{ source, fwdEntries: ['dense_fwd'], bwdEntries: ['dense_bwd_x', 'dense_bwd_w', 'dense_bwd_b'] }],
    fwd: (g, [x, w, b], [y]) => {
      const d = dimsOf(x.shape, w.shape);
      g.run(source, 'dense_fwd', { x, w, b, y }, { ...d }, { threads: d.n * d.m });
    },
    bwd: (g, [x, w], _outputs, dy, [dx, dw, db]) => {
      const d = dimsOf(x.shape, w.shape);
      if (dx) g.run(source, 'dense_bwd_x', { dy, w, y: dx }, { ...d }, { threads: d.n * d.k });
      if (dw) g.run(source, 'dense_bwd_w', { dy, x, y: dw }, { ...d }, { threads: d.m * d.k });
      if (db) g.run(source, 'dense_bwd_b', { dy, y: db }, { ...d }, { threads: d.m });
    },
  },
});
