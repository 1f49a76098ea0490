import { conv2dBwdFast, conv2dFwdFast } from '../cpu/conv2d-fast.ts';
import { fireExpandBwd, fireExpandFwd } from '../cpu/fire-expand.ts';
import { host, type HostTensor } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import type { GpuTensor } from '../gpu/context.ts';
import { conv2dSources } from './conv2d-gpu.ts';
import { fireExpandBackward, fireExpandForward, fireExpandSource } from './fire-expand-gpu.ts';
import { fireExpandGeometry, fireExpandOutputShape, type FireExpandAttrs, type FireExpandGeometry } from './fire-expand-shapes.ts';

export type { FireExpandAttrs } from './fire-expand-shapes.ts';

const geometry = (inputs: readonly HostTensor[], attrs: FireExpandAttrs) => fireExpandGeometry(inputs.map((t) => t.shape), attrs);

/** The optimised CPU path: the two convolutions by conv2dFwdFast, written into their channel slices activated. */
function fastFwd([s, w1, b1, w3, b3]: HostTensor[], geo: FireExpandGeometry): Float32Array {
  const { one, three } = geo;
  const hw = one.h * one.w;
  const y = new Float32Array(one.n * (one.o + three.o) * hw);
  const branches = [conv2dFwdFast(s.data, w1.data, b1.data, one), conv2dFwdFast(s.data, w3.data, b3.data, three)];
  const elu = geo.activation === 'elu';
  for (let n = 0; n < one.n; n++) {
    let at = n * (one.o + three.o) * hw;
    branches.forEach((z, k) => {
      const size = (k === 0 ? one.o : three.o) * hw;
      for (let i = n * size; i < (n + 1) * size; i++, at++) y[at] = z[i] > 0 ? z[i] : elu ? Math.exp(z[i]) - 1 : 0;
    });
  }
  return y;
}

/** dz = dy · act′ from the output y, split into the branches' slices, then conv2dBwdFast per branch. */
function fastBwd([s, w1, , w3]: HostTensor[], y: HostTensor, dy: HostTensor, geo: FireExpandGeometry): Float32Array[] {
  const { one, three } = geo;
  const hw = one.h * one.w;
  const dz = [new Float32Array(one.n * one.o * hw), new Float32Array(one.n * three.o * hw)];
  const elu = geo.activation === 'elu';
  for (let n = 0, at = 0; n < one.n; n++) {
    dz.forEach((d, k) => {
      const size = (k === 0 ? one.o : three.o) * hw;
      for (let i = n * size; i < (n + 1) * size; i++, at++) d[i] = y.data[at] > 0 ? dy.data[at] : elu ? dy.data[at] * (y.data[at] + 1) : 0;
    });
  }
  const a = conv2dBwdFast(s.data, w1.data, dz[0], one);
  const b = conv2dBwdFast(s.data, w3.data, dz[1], three);
  for (let i = 0; i < a.dx.length; i++) a.dx[i] += b.dx[i];
  return [a.dx, a.dw, a.db, b.dw, b.db];
}

/**
 * A fire module's expand layer in one op: inputs s [N,S,H,W], w1 [E1,S,1,1], b1 [E1],
 * w3 [E3,S,3,3], b3 [E3]; output act(concat[conv1×1(s), conv3×3 pad 1(s)]) [N,E1+E3,H,W].
 */
export const fireExpand = defineOp<FireExpandAttrs>({
  name: 'fire_expand',
  kind: 'layer',
  inputs: ['s', 'w1', 'b1', 'w3', 'b3'],
  grads: [true, true, true, true, true],
  inferShapes: (shapes, attrs) => [fireExpandOutputShape(fireExpandGeometry(shapes, attrs))],
  cpu: {
    fwd: (inputs, attrs) => {
      const g = geometry(inputs, attrs);
      return [host(fireExpandOutputShape(g), fireExpandFwd(inputs[0].data, inputs[1].data, inputs[2].data, inputs[3].data, inputs[4].data, g))];
    },
    bwd: (inputs, _outputs, dy, attrs) => {
      const [s, w1, b1, w3, b3] = inputs.map((t) => t.data);
      const r = fireExpandBwd(s, w1, b1, w3, b3, dy.data, geometry(inputs, attrs));
      return [r.ds, r.dw1, r.db1, r.dw3, r.db3].map((d, k) => host(inputs[k].shape, d));
    },
  },
  cpuFast: {
    fwd: (inputs, attrs) => {
      const g = geometry(inputs, attrs);
      return [host(fireExpandOutputShape(g), fastFwd(inputs, g))];
    },
    bwd: (inputs, [y], dy, attrs) => fastBwd(inputs, y, dy, geometry(inputs, attrs)).map((d, k) => host(inputs[k].shape, d)),
  },
  gpu: {
    modules: [
      { source: fireExpandSource, fwdEntries: [], bwdEntries: ['fire_act_bwd', 'fire_bias_grad'] },
      { source: conv2dSources.pointwise, fwdEntries: ['conv2d_fwd_1x1'], bwdEntries: ['conv2d_bwd_input_1x1', 'conv2d_bwd_weight_1x1'] },
      { source: conv2dSources.threeByThree, fwdEntries: ['conv2d_fwd_3x3'], bwdEntries: ['conv2d_bwd_input_3x3'] },
      { source: conv2dSources.threeByThreeWeight, fwdEntries: [], bwdEntries: ['conv2d_bwd_weight_3x3'] },
      { source: conv2dSources.generic, fwdEntries: [], bwdEntries: ['conv2d_reduce_splits'] },
    ],
    fwd: (g, inputs, [y], attrs) => fireExpandForward(g, inputs, y, fireExpandGeometry(inputs.map((t) => t.shape), attrs)),
    bwd: (g, inputs, [y], dy, dInputs, attrs) =>
      fireExpandBackward(g, inputs, y, dy, dInputs as GpuTensor[], fireExpandGeometry(inputs.map((t) => t.shape), attrs)),
  },
});
