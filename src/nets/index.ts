import type { GraphSpec } from './graph.ts';
import { DEFAULT_DROPOUT } from './layers.ts';
import { lightCnn } from './light-cnn.ts';
import { squeezenet } from './squeezenet.ts';

export const NET_NAMES = ['squeezenet', 'squeezenet-bypass', 'light-cnn'] as const;
export type NetName = (typeof NET_NAMES)[number];

/** dropout: the rate of the dropout layer before the classifier, in [0, 1); it only acts in training. */
export interface NetOptions {
  inChannels?: number;
  size?: number;
  dropout?: number;
}

export function buildNet(name: string, options: NetOptions = {}): GraphSpec {
  const { dropout = DEFAULT_DROPOUT, size = 224, inChannels = 1 } = options;
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${dropout}`);
  // The pools halve the side four times, and light-cnn's skip connection needs each half exact.
  if (!Number.isInteger(size) || size < 32 || size % 16 !== 0) throw new RangeError(`input size must be a multiple of 16, at least 32, got ${size}`);
  if (!Number.isInteger(inChannels) || inChannels < 1) throw new RangeError(`inChannels must be a whole number ≥ 1, got ${inChannels}`);
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
