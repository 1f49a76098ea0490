import { fireExpandBwd, fireExpandFwd } from '../cpu/fire-expand.ts';
import { fireExpandBwdFast, fireExpandFwdFast } from '../cpu/fire-expand-fast.ts';
import { host, type HostTensor } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import type { GpuTensor } from '../gpu/context.ts';
import { channelSumsModule } from './channel-sums-gpu.ts';
import { conv2dSources } from './conv2d-gpu.ts';
import { fireExpandBackward, fireExpandForward, fireExpandSource } from './fire-expand-gpu.ts';
import { fireExpandGeometry, fireExpandOutputShape, type FireExpandAttrs } from './fire-expand-shapes.ts';

export type { FireExpandAttrs } from './fire-expand-shapes.ts';

const geometry = (inputs: readonly HostTensor[], attrs: FireExpandAttrs) => fireExpandGeometry(inputs.map((t) => t.shape), attrs);

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
      const [s, w1, b1, w3, b3] = inputs.map((t) => t.data as Float32Array);
      return [host(fireExpandOutputShape(g), fireExpandFwdFast(s, w1, b1, w3, b3, g))];
    },
    bwd: (inputs, [y], dy, attrs) => {
      const [s, w1, , w3] = inputs.map((t) => t.data as Float32Array);
      const grads = fireExpandBwdFast(s, w1, w3, y.data as Float32Array, dy.data as Float32Array, geometry(inputs, attrs));
      return grads.map((d, k) => host(inputs[k].shape, d));
    },
  },
  gpu: {
    modules: [
      { source: fireExpandSource, fwdEntries: [], bwdEntries: ['fire_act_bwd'] },
      channelSumsModule,
      { source: conv2dSources.pointwise, fwdEntries: ['conv2d_fwd_1x1'], bwdEntries: ['conv2d_bwd_input_1x1'] },
      { source: conv2dSources.pointwiseSubgroup, fwdEntries: ['conv2d_fwd_1x1_shared'], bwdEntries: ['conv2d_bwd_input_1x1_shared'] },
      { source: conv2dSources.pointwiseWeight, fwdEntries: [], bwdEntries: ['conv2d_bwd_weight_1x1'] },
      { source: conv2dSources.threeByThree, fwdEntries: ['conv2d_fwd_3x3'], bwdEntries: ['conv2d_bwd_input_3x3'] },
      { source: conv2dSources.threeByThreeSubgroup, fwdEntries: ['conv2d_fwd_3x3_shared'], bwdEntries: ['conv2d_bwd_input_3x3_shared'] },
      { source: conv2dSources.threeByThreeWeight, fwdEntries: [], bwdEntries: ['conv2d_bwd_weight_3x3'] },
      { source: conv2dSources.generic, fwdEntries: [], bwdEntries: ['conv2d_reduce_splits'] },
    ],
    fwd: (g, inputs, [y], attrs) => fireExpandForward(g, inputs, y, fireExpandGeometry(inputs.map((t) => t.shape), attrs)),
    bwd: (g, inputs, [y], dy, dInputs, attrs) =>
      fireExpandBackward(g, inputs, y, dy, dInputs as GpuTensor[], fireExpandGeometry(inputs.map((t) => t.shape), attrs)),
  },
});
