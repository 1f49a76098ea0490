import source from '../../../shaders/cosine-similarity.wgsl?raw';
import { cosineSimilarity, cosineSimilarityGrad, type CosineDims } from '../cpu/cosine-similarity.ts';
import { host } from '../host-tensor.ts';
import { defineOp } from '../op.ts';
import { ShapeError, checkDims, type Shape } from '../shape.ts';

const OP = 'cosine_similarity';

/** τ of the similarities (SimCLR's temperature); 0.5 by default. */
export interface CosineAttrs { temperature?: number }

function temperatureOf(attrs: CosineAttrs): number {
  const { temperature = 0.5 } = attrs;
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new ShapeError(OP, `temperature must be a positive number, got ${temperature}`);
  return temperature;
}

/** [s [N,N]] of z [N,D]. */
export function cosineSimilarityShape(z: Shape): Shape[] {
  checkDims(OP, 'z', z, 2);
  return [[z[0], z[0]]];
}

const dimsOf = (z: Shape, attrs: CosineAttrs): CosineDims => ({ rows: z[0], dims: z[1], temperature: temperatureOf(attrs) });
const gpuDims = (z: Shape, attrs: CosineAttrs) => ({ n: z[0], d: z[1], temperature: temperatureOf(attrs) });

/**
 * The cosine similarity of every pair of rows of z over τ: the logits of NT-Xent (SimCLR, Chen et
 * al. 2020; train-step.ts). Backward gives dz.
 */
export const cosineSimilarityOp = defineOp<CosineAttrs>({
  name: OP,
  kind: 'layer',
  inputs: ['z'],
  grads: [true],
  inferShapes: ([z]) => cosineSimilarityShape(z),
  cpu: {
    fwd: ([z], attrs) => [host([z.shape[0], z.shape[0]], cosineSimilarity(z.data, dimsOf(z.shape, attrs)))],
    bwd: ([z], _outputs, ds, attrs) => [host(z.shape, cosineSimilarityGrad(z.data, ds.data, dimsOf(z.shape, attrs)))],
  },
  gpu: {
    modules: [{ source, fwdEntries: ['cos_normalise', 'cos_similarity'], bwdEntries: ['cos_normalise', 'cos_row_dots', 'cos_bwd'] }],
    fwd: (g, [z], [s], attrs) => {
      const d = gpuDims(z.shape, attrs);
      const unit = g.scratch(z.shape);
      const norms = g.scratch([d.n]);
      g.run(source, 'cos_normalise', { z, unit, norms }, d, { threads: d.n });
      g.run(source, 'cos_similarity', { unit, s }, d, { threads: d.n * d.n });
    },
    bwd: (g, [z], [s], ds, [dz], attrs) => {
      const d = gpuDims(z.shape, attrs);
      const unit = g.scratch(z.shape);
      const norms = g.scratch([d.n]);
      const dots = g.scratch([d.n]);
      g.run(source, 'cos_normalise', { z, unit, norms }, d, { threads: d.n });
      g.run(source, 'cos_row_dots', { s, ds, dots }, d, { threads: d.n });
      g.run(source, 'cos_bwd', { unit, norms, ds, dots, dz: dz! }, d, { threads: d.n * d.d });
    },
  },
});
