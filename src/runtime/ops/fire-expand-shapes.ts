import { ShapeError, checkDims, fmt, type Shape } from '../shape.ts';
import { activationOf, type Activation } from './activation.ts';
import { conv2dGeometry, type Conv2dGeometry } from './conv2d-shapes.ts';

/** activation: what follows the concat; ELU has α = 1. */
export interface FireExpandAttrs { activation: Activation }

/** The two branches of a fire module's expand layer, over the same squeezed input. */
export interface FireExpandGeometry { one: Conv2dGeometry; three: Conv2dGeometry; activation: Activation }

/**
 * Shape inference and validation for fire_expand: s [N,S,H,W], w1 [E1,S,1,1], b1 [E1],
 * w3 [E3,S,3,3], b3 [E3]; the output is [N, E1 + E3, H, W].
 */
export function fireExpandGeometry([s, w1, b1, w3, b3]: readonly Shape[], attrs: FireExpandAttrs): FireExpandGeometry {
  const op = 'fire_expand';
  const activation = activationOf(op, attrs.activation);
  if (!activation) throw new ShapeError(op, `activation is required: 'elu' or 'relu'`);
  checkDims(op, 's', s, 4);
  for (const [name, w, b, k] of [['1', w1, b1, 1], ['3', w3, b3, 3]] as const) {
    checkDims(op, `w${name}`, w, 4);
    checkDims(op, `b${name}`, b, 1);
    if (w[1] !== s[1] || w[2] !== k || w[3] !== k) {
      throw new ShapeError(op, `w${name} ${fmt(w)} must be [E${name},${s[1]},${k},${k}] for s ${fmt(s)}`);
    }
    if (b[0] !== w[0]) throw new ShapeError(op, `b${name} ${fmt(b)} must have one value per output channel of w${name} ${fmt(w)} (${w[0]})`);
  }
  const one = conv2dGeometry(op, s, w1, b1, {});
  const three = conv2dGeometry(op, s, w3, b3, { pad: 1 });
  return { one, three, activation };
}

export const fireExpandOutputShape = ({ one, three }: FireExpandGeometry): Shape => [one.n, one.o + three.o, one.h, one.w];
