import { zerosLike, type Arr } from '../host-tensor.ts';

/** [N,C,H,W] → [N,C]: the mean of each H×W plane. */
export function globalAvgPoolFwd(x: Arr, planes: number, hw: number): Arr {
  const y = zerosLike(x, planes);
  for (let p = 0; p < planes; p++) {
    let sum = 0;
    for (let j = 0; j < hw; j++) sum += x[p * hw + j];
    y[p] = sum / hw;
  }
  return y;
}

/** Each input element receives dy of its plane divided by H·W. */
export function globalAvgPoolBwd(dy: Arr, planes: number, hw: number): Arr {
  const dx = zerosLike(dy, planes * hw);
  for (let p = 0; p < planes; p++) {
    for (let j = 0; j < hw; j++) dx[p * hw + j] = dy[p] / hw;
  }
  return dx;
}
