import { zerosLike, type Arr } from '../host-tensor.ts';

/** Sizes of the projections z [rows, dims], and τ. */
export interface CosineDims {
  rows: number;
  dims: number;
  temperature: number;
}

/** Each row of z divided by its length (at least 1e-12), and the lengths. */
function normalise(z: Arr, d: CosineDims): { unit: Arr; norms: Arr } {
  const unit = zerosLike(z, z.length);
  const norms = zerosLike(z, d.rows);
  for (let i = 0; i < d.rows; i++) {
    let sq = 0;
    for (let k = 0; k < d.dims; k++) sq += z[i * d.dims + k] ** 2;
    norms[i] = Math.max(Math.sqrt(sq), 1e-12);
    for (let k = 0; k < d.dims; k++) unit[i * d.dims + k] = z[i * d.dims + k] / norms[i];
  }
  return { unit, norms };
}

const cosine = (unit: Arr, d: CosineDims, i: number, j: number): number => {
  let dot = 0;
  for (let k = 0; k < d.dims; k++) dot += unit[i * d.dims + k] * unit[j * d.dims + k];
  return dot;
};

/** s[i,j] = u_i·u_j / τ, u = z/|z|. */
export function cosineSimilarity(z: Arr, d: CosineDims): Arr {
  const { unit } = normalise(z, d);
  const s = zerosLike(z, d.rows * d.rows);
  for (let i = 0; i < d.rows; i++) for (let j = 0; j < d.rows; j++) s[i * d.rows + j] = cosine(unit, d, i, j) / d.temperature;
  return s;
}

/** dz given ds: du_i = Σ_j (ds_ij + ds_ji)·u_j/τ, then through the normalisation, dz_i = (du_i − u_i·(u_i·du_i))/|z_i|. */
export function cosineSimilarityGrad(z: Arr, ds: Arr, d: CosineDims): Arr {
  const { unit, norms } = normalise(z, d);
  const dz = zerosLike(z, z.length);
  for (let i = 0; i < d.rows; i++) {
    const du = new Float64Array(d.dims);
    for (let j = 0; j < d.rows; j++) {
      const both = (ds[i * d.rows + j] + ds[j * d.rows + i]) / d.temperature;
      for (let k = 0; k < d.dims; k++) du[k] += both * unit[j * d.dims + k];
    }
    let along = 0;
    for (let k = 0; k < d.dims; k++) along += unit[i * d.dims + k] * du[k];
    for (let k = 0; k < d.dims; k++) dz[i * d.dims + k] = (du[k] - unit[i * d.dims + k] * along) / norms[i];
  }
  return dz;
}
