import { describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { createNet } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';

describe('Net.forward', () => {
  it("refuses a mode other than 'train' and 'infer' (it ran dropout and kept every activation, giving other logits)", () => {
    const net = createNet(buildNet('light-cnn', { size: 32 }), new CpuBackend(), 1);
    const x = net.backend.tensor([1, 1, 32, 32]);
    expect(() => net.forward(x, 'eval' as never)).toThrow(`Net.forward: mode must be 'train' or 'infer', got "eval"`);
  });
});
