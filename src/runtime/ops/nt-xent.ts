import source from '../../../shaders/nt-xent.wgsl?raw';
import { ntXent, ntXentGrad, type NtXentDims } from '../cpu/nt-xent.ts';
import { host, zerosLike } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, checkDims, fmt, type Shape } from '../shape.ts';

const OP = 'nt_xent';

/** τ of the similarities (SimCLR's temperature); 0.5 by default. */
export interface NtXentAttrs { temperature?: number }

function temperatureOf(attrs: NtXentAttrs): number {
  const { temperature = 0.5 } = attrs;
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new ShapeError(OP, `temperature must be a positive number, got ${temperature}`);
  return temperature;
}

/** [loss [1], probs [N,N]] of projections z [N,D], N even: rows i and i + N/2 are two views of one image. */
export function ntXentShape(z: Shape): Shape[] {
  checkDims(OP, 'z', z, 2);
  const [n] = z;
  if (n < 2 || n % 2 !== 0) throw new ShapeError(OP, `z must have an even number of rows, at least 2 (two views of each image), got ${fmt(z)}`);
  return [[1], [n, n]];
}

const dimsOf = (z: Shape, attrs: NtXentAttrs): NtXentDims => ({ rows: z[0], dims: z[1], temperature: temperatureOf(attrs) });
const gpuDims = (z: Shape, attrs: NtXentAttrs) => ({ n: z[0], d: z[1], temperature: temperatureOf(attrs) });

/**
 * The normalised-temperature cross-entropy of SimCLR (Chen et al. 2020): each row's pair is its
 * positive, the other N − 2 rows its negatives, by cosine similarity over τ. Outputs [loss, probs]
 * (probs: each row's softmax over the other rows); backward gives dz.
 */
export const ntXentLoss = defineOp<NtXentAttrs>({
  name: OP,
  kind: 'layer',
  inputs: ['z'],
  grads: [true],
  inferShapes: ([z]) => ntXentShape(z),
  cpu: {
    fwd: ([z], attrs) => {
      const { loss, probs } = ntXent(z.data, dimsOf(z.shape, attrs));
      const out = zerosLike(z.data, 1);
      out[0] = loss;
      return [host([1], out), host([z.shape[0], z.shape[0]], probs)];
    },
    bwd: ([z], [, probs], dloss, attrs) => [host(z.shape, ntXentGrad(z.data, probs.data, dloss.data[0], dimsOf(z.shape, attrs)))],
  },
  gpu: {
    modules: [{ source, fwdEntries: ['ntxent_normalise', 'ntxent_rows', 'ntxent_total'], bwdEntries: ['ntxent_normalise', 'ntxent_row_dots', 'ntxent_bwd'] }],
    fwd: (g, [z], [loss, probs], attrs) => {
      const d = gpuDims(z.shape, attrs);
      const unit = g.scratch(z.shape);
      const norms = g.scratch([d.n]);
      const rows = g.scratch([d.n]);
      g.run(source, 'ntxent_normalise', { z, unit, norms }, d, { threads: d.n });
      g.run(source, 'ntxent_rows', { unit, probs, rows }, d, { threads: d.n });
      g.run(source, 'ntxent_total', { rows, loss }, d, { threads: 1 });
    },
    bwd: (g, [z], [, probs], dloss, [dz], attrs) => {
      const d = gpuDims(z.shape, attrs);
      const unit = g.scratch(z.shape);
      const norms = g.scratch([d.n]);
      const dots = g.scratch([d.n]);
      g.run(source, 'ntxent_normalise', { z, unit, norms }, d, { threads: d.n });
      g.run(source, 'ntxent_row_dots', { unit, probs, dloss, dots }, d, { threads: d.n });
      g.run(source, 'ntxent_bwd', { unit, norms, probs, dloss, dots, dz: dz! }, d, { threads: d.n * d.d });
    },
  },
});
