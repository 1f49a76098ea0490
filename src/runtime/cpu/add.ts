import { zerosLike, type Arr } from '../host-tensor.ts';

export function addFwd(a: Arr, b: Arr): Arr {
  const y = zerosLike(a, a.length);
  for (let i = 0; i < a.length; i++) y[i] = a[i] + b[i];
  return y;
}
