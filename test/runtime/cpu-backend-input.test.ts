import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';

describe('cpu backend on bad input', () => {
  const cpu = new CpuBackend();

  it('refuses reading a disposed tensor, or a view of one, instead of returning whatever reuses its storage', async () => {
    const t = cpu.tensor([3], Float32Array.of(1, 2, 3));
    const view = t.reshape([1, 3]);
    t.dispose();
    await expect(cpu.read(t)).rejects.toThrow('tensor [3] was used after dispose()');
    expect(() => view.read()).toThrow('tensor [1,3] was used after dispose() of the tensor it is a view of');
    expect(() => cpu.forward('relu', [view])).toThrow('tensor [1,3] was used after dispose() of the tensor it is a view of');
  });

  it('refuses a shape that is no list of whole numbers', () => {
    expect(() => cpu.tensor([-1])).toThrow('tensor: shape [-1] is not a list of whole numbers ≥ 0');
    expect(() => cpu.tensor([2.5])).toThrow('tensor: shape [2.5] is not a list of whole numbers ≥ 0');
  });

  it('refuses a backward pass whose dOut or outputs do not fit the inputs, where it gave NaN gradients', () => {
    const x = cpu.tensor([8]);
    const [y] = cpu.forward('relu', [x]);
    expect(() => cpu.backward('relu', [x], [y], cpu.tensor([3]))).toThrow("relu: backward: dOut [3] must have the first output's shape [8]");
    expect(() => cpu.backward('relu', [x], [cpu.tensor([4])], y)).toThrow('relu: backward: outputs [4] given, the inputs give [8]');
  });
});
