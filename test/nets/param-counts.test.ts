import { describe, expect, it } from 'vitest';
import { countParams } from '../../src/nets/graph.ts';
import { buildNet } from '../../src/nets/index.ts';

const sumOf = (name: string, prefix: (n: string) => boolean) =>
  buildNet(name)
    .params.filter((p) => p.trainable && prefix(p.name))
    .reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);

describe('parameter counts (light-cnn.md, "Counts to check")', () => {
  it('light-cnn: 1,271,682 trainable, 640 BN running statistics', () => {
    const spec = buildNet('light-cnn');
    expect(countParams(spec)).toBe(1_271_682);
    expect(countParams(spec, false)).toBe(640);
  });

  it('light-cnn splits as trunk 721,984 (BN 640), transposed conv 524,352, weighted sum 24,704, dense 642', () => {
    expect(sumOf('light-cnn', (n) => n.startsWith('conv1') || n.startsWith('fire'))).toBe(721_984);
    expect(sumOf('light-cnn', (n) => n.includes('.bn.'))).toBe(640);
    expect(sumOf('light-cnn', (n) => n.startsWith('upsample'))).toBe(524_352);
    expect(sumOf('light-cnn', (n) => n.startsWith('weighted_sum'))).toBe(24_704);
    expect(sumOf('light-cnn', (n) => n.startsWith('fc'))).toBe(642);
  });

  it('squeezenet and squeezenet-bypass: 722,370 (the bypass adds no parameters)', () => {
    expect(countParams(buildNet('squeezenet'))).toBe(722_370);
    expect(countParams(buildNet('squeezenet-bypass'))).toBe(722_370);
  });

  it('3-channel input adds 2·64·9 conv1 weights', () => {
    expect(countParams(buildNet('light-cnn', { inChannels: 3 }))).toBe(1_271_682 + 2 * 64 * 9);
  });

  it('rejects an unknown net by name', () => {
    expect(() => buildNet('resnet')).toThrow('unknown net "resnet" (known: squeezenet, squeezenet-bypass, light-cnn)');
  });
});
