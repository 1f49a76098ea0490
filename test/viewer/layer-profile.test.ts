import { describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { DeviceLostError } from '../../src/runtime/errors.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { profileLayersOf } from '../../src/viewer/layer-profile.ts';

const spec = buildNet('light-cnn', { size: 32 });
const weights = initialWeights(spec, 3);

/** A CPU backend whose device is lost at the second forward op. */
class LosingBackend extends CpuBackend {
  private ops = 0;
  forward(op: string, inputs: Tensor[], attrs?: object): Tensor[] {
    if (++this.ops === 2) throw new DeviceLostError('destroyed in a test');
    return super.forward(op, inputs, attrs);
  }
}

describe('the viewer\'s per-layer profile', () => {
  it('times every inference layer, or says why it could not, keeping the prediction', async () => {
    const backend = new CpuBackend();
    const net = netFromWeights(spec, backend, weights);
    const x = backend.tensor([1, 1, 32, 32]);
    const timed = await profileLayersOf(net, x);
    expect('layers' in timed && timed.layers.map((l) => l.name)).toEqual(spec.nodes.filter((n) => !n.trainOnly).map((n) => n.name));
    expect(await profileLayersOf(net, x, 'gpu-timestamps')).toEqual({ error: 'timing method gpu-timestamps needs the webgpu backend, not cpu' });
    x.dispose();
    net.dispose();
  });

  it('passes a lost device on, for the move to the CPU', async () => {
    const backend = new LosingBackend();
    const net = netFromWeights(spec, backend, weights);
    await expect(profileLayersOf(net, backend.tensor([1, 1, 32, 32]))).rejects.toThrow('WebGPU device lost: destroyed in a test');
  });
});
