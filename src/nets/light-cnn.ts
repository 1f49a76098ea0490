import type { GraphSpec } from './graph.ts';
import { DEFAULT_DROPOUT, GraphBuilder } from './layers.ts';
import { trunk } from './trunk.ts';

/**
 * The paper's light CNN (Fig. 3): custom fires, then
 * T = ELU(convT 4×4/4, 512→64)(fire9), X = concat[fire3, T], W = ELU(conv 1×1 192→128)(X),
 * F = concat[X, W] (320 maps at 56×56), global average pool → dropout(0.5, or options.dropout) → dense 320→2.
 */
export function lightCnn(options: { inChannels?: number; size?: number; dropout?: number } = {}): GraphSpec {
  const { inChannels = 1, size = 224, dropout = DEFAULT_DROPOUT } = options;
  const b = new GraphBuilder();
  const { fire3, fire9 } = trunk(b, inChannels, 'custom', false);
  // T and W: each convolution and its ELU are one node
  const t = b.convTranspose('upsample', fire9, 512, 64, 4, 4, 'elu');
  const x = b.concat('skip_concat', [fire3, t]);
  const w = b.conv('weighted_sum', x, 192, 128, 1, 1, 0, 'elu');
  const features = b.concat('features', [x, w]);
  const pooled = b.dropout('dropout', b.globalAvgPool('gap', features), dropout);
  const logits = b.dense('fc', pooled, 320, 2);
  return {
    name: 'light-cnn',
    inputShape: [inChannels, size, size],
    params: b.params,
    nodes: b.nodes,
    logits,
    cam: { features, weight: 'fc.weight' },
  };
}
