import source from '../../../shaders/sgd.wgsl?raw';
import { sgdStep, type SgdHyper } from '../cpu/sgd.ts';
import { defineOp } from '../op.ts';
import { ShapeError, fmt, sizeOf, type Shape } from '../shape.ts';

const OP = 'sgd';

/** No outputs: param and velocity are updated in place. Checks the three shapes match and the hyper-parameters. */
export function sgdShape(param: Shape, grad: Shape, velocity: Shape, { lr, momentum, weightDecay }: SgdHyper): Shape[] {
  for (const [name, v] of [['lr', lr], ['momentum', momentum], ['weightDecay', weightDecay]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ShapeError(OP, `${name} must be a finite number ≥ 0, got ${String(v)}`);
  }
  if (param.length === 0 || param.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ShapeError(OP, `param has a dimension that is not a positive integer: ${fmt(param)}`);
  }
  for (const [name, s] of [['grad', grad], ['velocity', velocity]] as const) {
    if (s.length !== param.length || s.some((d, i) => d !== param[i])) throw new ShapeError(OP, `${name} ${fmt(s)} must have the shape of param ${fmt(param)}`);
  }
  return [];
}

/** One SGD step with momentum and L2 weight decay (PyTorch's SGD, dampening 0), in place on param and velocity. */
export const sgd = defineOp<SgdHyper>({
  name: OP,
  kind: 'update',
  inputs: ['param', 'grad', 'velocity'],
  grads: [false, false, false],
  inferShapes: ([param, grad, velocity], attrs) => sgdShape(param, grad, velocity, attrs),
  cpu: {
    fwd: ([param, grad, velocity], hyper) => {
      sgdStep(param.data, grad.data, velocity.data, hyper);
      return [];
    },
  },
  gpu: {
    modules: [{ source, fwdEntries: ['sgd_step'], bwdEntries: [] }],
    fwd: (g, [param, grad, velocity], _outputs, { lr, momentum, weightDecay }) => {
      const n = sizeOf(param.shape);
      g.run(source, 'sgd_step', { param, grad, velocity }, { n, lr, momentum, weight_decay: weightDecay }, { threads: n });
    },
  },
});
