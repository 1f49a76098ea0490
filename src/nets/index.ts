import type { GraphSpec } from './graph.ts';
import { lightCnn } from './light-cnn.ts';
import { squeezenet } from './squeezenet.ts';

export const NET_NAMES = ['squeezenet', 'squeezenet-bypass', 'light-cnn'] as const;
export type NetName = (typeof NET_NAMES)[number];

export function buildNet(name: string, options: { inChannels?: number; size?: number } = {}): GraphSpec {
  switch (name) {
    case 'squeezenet':
      return squeezenet({ ...options, bypass: false });
    case 'squeezenet-bypass':
      return squeezenet({ ...options, bypass: true });
    case 'light-cnn':
      return lightCnn(options);
    default:
      throw new Error(`unknown net "${name}" (known: ${NET_NAMES.join(', ')})`);
  }
}
