import { zerosLike, type Arr } from '../host-tensor.ts';

/** Sizes of y[N,M] = x[N,K]·w[M,K]ᵀ + b[M]. */
export interface DenseDims {
  n: number;
  k: number;
  m: number;
}

export function denseFwd(x: Arr, w: Arr, b: Arr, d: DenseDims): Arr {
  const y = zerosLike(x, d.n * d.m);
  for (let n = 0; n < d.n; n++) {
    for (let m = 0; m < d.m; m++) {
      let sum = b[m];
      for (let k = 0; k < d.k; k++) sum += x[n * d.k + k] * w[m * d.k + k];
      y[n * d.m + m] = sum;
    }
  }
  return y;
}

/** dx[n,k] = Σ_m dy[n,m]·w[m,k] */
export function denseGradX(dy: Arr, w: Arr, d: DenseDims): Arr {
  const dx = zerosLike(dy, d.n * d.k);
  for (let n = 0; n < d.n; n++) {
    for (let k = 0; k < d.k; k++) {
      let sum = 0;
      for (let m = 0; m < d.m; m++) sum += dy[n * d.m + m] * w[m * d.k + k];
      dx[n * d.k + k] = sum;
    }
  }
  return dx;
}

/** dw[m,k] = Σ_n dy[n,m]·x[n,k] */
export function denseGradW(dy: Arr, x: Arr, d: DenseDims): Arr {
  const dw = zerosLike(dy, d.m * d.k);
  for (let m = 0; m < d.m; m++) {
    for (let k = 0; k < d.k; k++) {
      let sum = 0;
      for (let n = 0; n < d.n; n++) sum += dy[n * d.m + m] * x[n * d.k + k];
      dw[m * d.k + k] = sum;
    }
  }
  return dw;
}

/** db[m] = Σ_n dy[n,m] */
export function denseGradB(dy: Arr, d: DenseDims): Arr {
  const db = zerosLike(dy, d.m);
  for (let m = 0; m < d.m; m++) {
    let sum = 0;
    for (let n = 0; n < d.n; n++) sum += dy[n * d.m + m];
    db[m] = sum;
  }
  return db;
}
