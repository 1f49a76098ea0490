import type { GraphSpec } from './graph.ts';
import { DEFAULT_DROPOUT, GraphBuilder } from './layers.ts';
import { trunk } from './trunk.ts';

/**
 * SqueezeNet 1.1 for two classes, without (`squeezenet`) or with (`squeezenet-bypass`)
 * the simple bypass: dropout(0.5, or options.dropout) → conv 1×1 512→2 → ReLU → global average pool.
 */
export function squeezenet(options: { bypass: boolean; inChannels?: number; size?: number; dropout?: number }): GraphSpec {
  const { bypass, inChannels = 1, size = 224, dropout = DEFAULT_DROPOUT } = options;
  const b = new GraphBuilder();
  const { fire9 } = trunk(b, inChannels, 'classic', bypass);
  const dropped = b.dropout('dropout', fire9, dropout);
  const classifier = b.relu('classifier_act', b.conv('classifier', dropped, 512, 2, 1));
  const logits = b.globalAvgPool('gap', classifier);
  return {
    name: bypass ? 'squeezenet-bypass' : 'squeezenet',
    inputShape: [inChannels, size, size],
    params: b.params,
    nodes: b.nodes,
    logits,
  };
}
