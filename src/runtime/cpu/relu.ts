import { zerosLike, type Arr } from '../host-tensor.ts';

export function reluFwd(x: Arr): Arr {
  const y = zerosLike(x, x.length);
  for (let i = 0; i < x.length; i++) y[i] = Math.max(x[i], 0);
  return y;
}

export function reluBwd(x: Arr, dy: Arr): Arr {
  const dx = zerosLike(x, x.length);
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
  return dx;
}
