import { zerosLike, type Arr } from '../host-tensor.ts';

export function eluFwd(x: Arr, alpha: number): Arr {
  const y = zerosLike(x, x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : alpha * (Math.exp(x[i]) - 1);
  return y;
}

export function eluBwd(x: Arr, dy: Arr, alpha: number): Arr {
  const dx = zerosLike(x, x.length);
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * alpha * Math.exp(x[i]);
  return dx;
}
