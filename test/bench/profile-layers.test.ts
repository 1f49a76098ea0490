import { describe, expect, it } from 'vitest';
import { formatProfile, profileLayers } from '../../bench/profile-layers.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';

describe('bench --profile', () => {
  it('times every layer of the training graph, forward and backward, and of the inference graph, where BN is folded away', async () => {
    const backend = new CpuBackend();
    const p = await profileLayers(backend, 'light-cnn', 32, 1);
    const train = p.layers.map((l) => l.name);
    const infer = p.inference.layers.map((l) => l.name);
    expect(train).toContain('fire2.bn');
    expect(train.filter((n) => n.endsWith('.bn'))).toHaveLength(8);
    expect(infer.filter((n) => n.endsWith('.bn') || n.endsWith('.squeeze_act'))).toEqual([]);
    expect(infer).toEqual(expect.arrayContaining(['conv1', 'fire2.squeeze', 'fire2.expand', 'upsample', 'weighted_sum', 'fc']));
    for (const l of [...p.layers, ...p.inference.layers]) expect(l.forwardMs).toBeGreaterThanOrEqual(0);
    expect(p.layers.filter((l) => l.op === 'conv2d').every((l) => l.backwardMs !== null && l.backwardMs > 0)).toBe(true);
    const text = formatProfile(p);
    expect(text).toContain('inference graph (BN folded into the convs, as predict runs it) — forward: cpu-wall');
    expect(text.split('\n').filter((line) => line.startsWith('total'))).toHaveLength(2);
    backend.dispose();
  });
});
