import { zerosLike, type Arr } from '../host-tensor.ts';
import type { FireExpandGeometry } from '../ops/fire-expand-shapes.ts';
import { concatBwd, concatFwd } from './concat.ts';
import { conv2dBwd, conv2dFwd } from './conv2d.ts';
import { eluBwd, eluFwd } from './elu.ts';
import { reluBwd, reluFwd } from './relu.ts';

// The reference twin of fire_expand, composed from the conv2d, concat, ELU and ReLU twins:
//   y = act(concat[conv1×1(s; w1, b1), conv3×3 pad 1(s; w3, b3)])

/** The pre-activation concat[conv1×1(s), conv3×3(s)]. */
function preActivation(s: Arr, w1: Arr, b1: Arr, w3: Arr, b3: Arr, g: FireExpandGeometry): Arr {
  const hw = g.one.h * g.one.w;
  return concatFwd([conv2dFwd(s, w1, b1, g.one), conv2dFwd(s, w3, b3, g.three)], [g.one.o, g.three.o], g.one.n, hw);
}

export function fireExpandFwd(s: Arr, w1: Arr, b1: Arr, w3: Arr, b3: Arr, g: FireExpandGeometry): Arr {
  const z = preActivation(s, w1, b1, w3, b3, g);
  return g.activation === 'elu' ? eluFwd(z, 1) : reluFwd(z);
}

export interface FireExpandGrads { ds: Arr; dw1: Arr; db1: Arr; dw3: Arr; db3: Arr }

export function fireExpandBwd(s: Arr, w1: Arr, b1: Arr, w3: Arr, b3: Arr, dy: Arr, g: FireExpandGeometry): FireExpandGrads {
  const z = preActivation(s, w1, b1, w3, b3, g);
  const dz = g.activation === 'elu' ? eluBwd(z, dy, 1) : reluBwd(z, dy);
  const [dz1, dz3] = concatBwd(dz, [g.one.o, g.three.o], g.one.n, g.one.h * g.one.w);
  const one = conv2dBwd(s, w1, dz1, g.one);
  const three = conv2dBwd(s, w3, dz3, g.three);
  const ds = zerosLike(s, s.length);
  for (let i = 0; i < ds.length; i++) ds[i] = one.dx[i] + three.dx[i];
  return { ds, dw1: one.dw, db1: one.db, dw3: three.dw, db3: three.db };
}
