import source from '../../../shaders/global-avg-pool.wgsl?raw';
import { globalAvgPoolBwd, globalAvgPoolFwd } from '../cpu/global-avg-pool.ts';
import { globalAvgPoolBwdFast, globalAvgPoolFwdFast } from '../cpu/global-avg-pool-fast.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { checkDims, type Shape } from '../shape.ts';

function planes(x: Shape): { planes: number; hw: number } {
  checkDims('global_avg_pool', 'x', x, 4);
  return { planes: x[0] * x[1], hw: x[2] * x[3] };
}

/** [N,C,H,W] → [N,C], the mean over H×W: the light CNN's 320 features before the dense layer. */
export const globalAvgPool = defineOp<object>({
  name: 'global_avg_pool',
  kind: 'layer',
  inputs: ['x'],
  grads: [true],
  inferShapes: ([x]) => {
    checkDims('global_avg_pool', 'x', x, 4);
    return [[x[0], x[1]]];
  },
  cpu: {
    fwd: ([x]) => {
      const p = planes(x.shape);
      return [host([x.shape[0], x.shape[1]], globalAvgPoolFwd(x.data, p.planes, p.hw))];
    },
    bwd: ([x], _outputs, dy) => {
      const p = planes(x.shape);
      return [host(x.shape, globalAvgPoolBwd(dy.data, p.planes, p.hw))];
    },
  },
  cpuFast: {
    fwd: ([x]) => {
      const p = planes(x.shape);
      return [host([x.shape[0], x.shape[1]], globalAvgPoolFwdFast(x.data as Float32Array, p.planes, p.hw))];
    },
    bwd: ([x], _outputs, dy) => {
      const p = planes(x.shape);
      return [host(x.shape, globalAvgPoolBwdFast(dy.data as Float32Array, p.planes, p.hw))];
    },
  },
  gpu: {
    modules: [{ source, fwdEntries: ['global_avg_pool_fwd'], bwdEntries: ['global_avg_pool_bwd'] }],
    fwd: (g, [x], [y]) => {
      const p = planes(x.shape);
      g.run(source, 'global_avg_pool_fwd', { x, y }, { total: p.planes, hw: p.hw, inv_hw: 1 / p.hw }, { threads: p.planes });
    },
    bwd: (g, [x], _outputs, dy, [dx]) => {
      const p = planes(x.shape);
      const total = p.planes * p.hw;
      g.run(source, 'global_avg_pool_bwd', { dy, dx: dx! }, { total, hw: p.hw, inv_hw: 1 / p.hw }, { threads: total });
    },
  },
});
