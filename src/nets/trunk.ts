import type { GraphBuilder } from './layers.ts';

export type FireKind = 'classic' | 'custom';

/**
 * A fire module. classic (SqueezeNet 1.1): squeeze 1×1 → ReLU → [expand 1×1 ; expand 3×3] → ReLU.
 * custom (the paper's Fig. 2b): squeeze 1×1 → BatchNorm → ELU → [expand 1×1 ; expand 3×3] → ELU.
 * The expand branches, their concat and its activation are one fire_expand node.
 */
export function fire(b: GraphBuilder, name: string, x: string, cin: number, s: number, e: number, kind: FireKind): string {
  const activation = kind === 'custom' ? 'elu' : 'relu';
  let squeeze = b.conv(`${name}.squeeze`, x, cin, s, 1);
  if (kind === 'custom') squeeze = b.batchNorm(`${name}.bn`, squeeze, s);
  squeeze = activation === 'elu' ? b.elu(`${name}.squeeze_act`, squeeze) : b.relu(`${name}.squeeze_act`, squeeze);
  return b.fireExpand(name, squeeze, s, e, activation);
}

const FIRES: readonly [name: string, cin: number, s: number, e: number][] = [
  ['fire2', 64, 16, 64],
  ['fire3', 128, 16, 64],
  ['fire4', 128, 32, 128],
  ['fire5', 256, 32, 128],
  ['fire6', 256, 48, 192],
  ['fire7', 384, 48, 192],
  ['fire8', 384, 64, 256],
  ['fire9', 512, 64, 256],
];

/** Fires whose input and output channel counts match: where squeezenet-bypass adds its bypass. */
const BYPASSED = new Set(['fire3', 'fire5', 'fire7', 'fire9']);

/** conv1 → pool1 → fire2..fire9 with pools after fire3 and fire5 (light-cnn.md, "Trunk"). */
export function trunk(b: GraphBuilder, inChannels: number, kind: FireKind, bypass: boolean): { fire3: string; fire9: string } {
  // conv1 and its activation are one node
  const conv1 = b.conv('conv1', 'input', inChannels, 64, 3, 2, 1, kind === 'custom' ? 'elu' : 'relu');
  let x = b.maxPool('pool1', conv1);
  let fire3 = '';
  for (const [name, cin, s, e] of FIRES) {
    const out = fire(b, name, x, cin, s, e, kind);
    x = bypass && BYPASSED.has(name) ? b.add(`${name}.bypass`, x, out) : out;
    if (name === 'fire3') {
      fire3 = x;
      x = b.maxPool('pool3', x);
    }
    if (name === 'fire5') x = b.maxPool('pool5', x);
  }
  return { fire3, fire9: x };
}
