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

  it('refuses an update op given one storage twice, which it would read while writing', () => {
    const p = cpu.tensor([4], Float32Array.of(1, 2, 3, 4));
    const hyper = { lr: 0.1, momentum: 0.9, weightDecay: 0 };
    expect(() => cpu.forward('sgd', [p, cpu.tensor([4]), p], hyper)).toThrow("sgd: param and velocity share one tensor's storage; each needs its own");
    expect(() => cpu.forward('sgd', [p, p.reshape([2, 2]).reshape([4]), cpu.tensor([4])], hyper)).toThrow("sgd: param and grad share one tensor's storage");
    expect(Array.from(p.handle as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('refuses attributes that are not an object, and an elu alpha that is not a finite number ≥ 0', () => {
    const x = cpu.tensor([2]);
    expect(() => cpu.forward('relu', [x], null as unknown as object)).toThrow('relu: attributes must be an object, got null');
    expect(() => cpu.forward('elu', [x], { alpha: Number.NaN })).toThrow('elu: alpha must be a finite number ≥ 0, got NaN');
    expect(() => cpu.forward('elu', [x], { alpha: -1 })).toThrow('elu: alpha must be a finite number ≥ 0, got -1');
  });

  it('names a tensor from another backend of the same kind as such', () => {
    const other = new CpuBackend().tensor([2]);
    expect(() => cpu.forward('relu', [other])).toThrow('tensor [2] belongs to another cpu backend, not this cpu backend');
  });
});
