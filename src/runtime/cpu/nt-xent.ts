import { zerosLike, type Arr } from '../host-tensor.ts';

/** Sizes of the projections z [rows, dims]; rows i and (i + rows/2) mod rows are a pair. */
export interface NtXentDims {
  rows: number;
  dims: number;
  temperature: number;
}

export const positiveOf = (i: number, rows: number): number => (i + rows / 2) % rows;

/** Each row of z divided by its length (at least 1e-12), and the lengths. */
function normalise(z: Arr, d: NtXentDims): { unit: Arr; norms: Arr } {
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

/** s[i,j] = u_i·u_j / τ. */
function similarities(unit: Arr, d: NtXentDims): Arr {
  const s = zerosLike(unit, d.rows * d.rows);
  for (let i = 0; i < d.rows; i++) {
    for (let j = 0; j < d.rows; j++) {
      let dot = 0;
      for (let k = 0; k < d.dims; k++) dot += unit[i * d.dims + k] * unit[j * d.dims + k];
      s[i * d.rows + j] = dot / d.temperature;
    }
  }
  return s;
}

/**
 * The loss (1/N) Σ_i [log Σ_{j≠i} exp(s_ij) − s_i,pos(i)] and probs[i,j], the softmax over j ≠ i
 * of s_ij (0 on the diagonal); each row's max is subtracted before exp.
 */
export function ntXent(z: Arr, d: NtXentDims): { loss: number; probs: Arr } {
  const s = similarities(normalise(z, d).unit, d);
  const probs = zerosLike(z, d.rows * d.rows);
  let total = 0;
  for (let i = 0; i < d.rows; i++) {
    const row = i * d.rows;
    let top = -Infinity;
    for (let j = 0; j < d.rows; j++) if (j !== i) top = Math.max(top, s[row + j]);
    let sum = 0;
    for (let j = 0; j < d.rows; j++) if (j !== i) sum += Math.exp(s[row + j] - top);
    for (let j = 0; j < d.rows; j++) probs[row + j] = j === i ? 0 : Math.exp(s[row + j] - top) / sum;
    total += Math.log(sum) - (s[row + positiveOf(i, d.rows)] - top);
  }
  return { loss: total / d.rows, probs };
}

/** dz of the loss scaled by dloss: through du_i = Σ_j (A_ij + A_ji)·u_j/τ, A_ij = dloss/N·(probs[i,j] − [j = pos(i)]), and the normalisation. */
export function ntXentGrad(z: Arr, probs: Arr, dloss: number, d: NtXentDims): Arr {
  const { unit, norms } = normalise(z, d);
  const s = similarities(unit, d);
  const pull = (i: number, j: number) => (dloss / d.rows) * (probs[i * d.rows + j] - (j === positiveOf(i, d.rows) ? 1 : 0));
  const dz = zerosLike(z, z.length);
  for (let i = 0; i < d.rows; i++) {
    const du = new Float64Array(d.dims);
    let along = 0;
    for (let j = 0; j < d.rows; j++) {
      if (j === i) continue;
      const a = pull(i, j) + pull(j, i);
      along += a * s[i * d.rows + j];
      for (let k = 0; k < d.dims; k++) du[k] += (a * unit[j * d.dims + k]) / d.temperature;
    }
    for (let k = 0; k < d.dims; k++) dz[i * d.dims + k] = (du[k] - unit[i * d.dims + k] * along) / norms[i];
  }
  return dz;
}
