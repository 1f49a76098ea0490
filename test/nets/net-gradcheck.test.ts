import { describe, expect, it } from 'vitest';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';

/** A few parameters of every layer type; two entries of each are perturbed. */
const CHECKED: Record<string, string[]> = {
  'light-cnn': [
    'conv1.weight', 'conv1.bias', 'fire2.squeeze.weight', 'fire2.bn.weight', 'fire2.bn.bias', 'fire5.expand1x1.weight',
    'fire9.expand3x3.bias', 'upsample.weight', 'upsample.bias', 'weighted_sum.weight', 'fc.weight', 'fc.bias',
  ],
  'squeezenet-bypass': ['conv1.weight', 'fire3.squeeze.bias', 'fire3.expand3x3.weight', 'fire9.expand1x1.weight', 'classifier.weight', 'classifier.bias'],
};

describe.each(Object.keys(CHECKED))('%s: whole-net gradients against central differences (float64 CPU, 32×32, batch 2)', (name) => {
  it('agree within 1e-4 relative', async () => {
    const backend = new CpuBackend({ float64: true });
    const spec = buildNet(name, { size: 32 });
    const net = netFromWeights(spec, backend, initialWeights(spec, 12));
    const x = backend.tensor([2, 1, 32, 32], new Random(13).normals(2 * 32 * 32));
    const labels = backend.tensor([2], Float64Array.of(1, 0));
    const classWeights = backend.tensor([2], Float64Array.of(0.7, 1.3));
    const loss = () => {
      const pass = net.forward(x, 'train', { seed: 21 });
      const [l, p] = backend.forward('softmax_cross_entropy', [pass.logits, labels, classWeights]);
      const value = backend.readExact(l)[0];
      [l, p].forEach((t) => t.dispose());
      net.release(pass);
      return value;
    };
    const pass = net.forward(x, 'train', { seed: 21 });
    const [l, p] = backend.forward('softmax_cross_entropy', [pass.logits, labels, classWeights]);
    const [dLogits] = backend.backward('softmax_cross_entropy', [pass.logits, labels, classWeights], [l, p], backend.tensor([1], Float64Array.of(1)));
    const grads = net.backward(pass, dLogits!);

    const rng = new Random(14);
    let worst = 0;
    let where = '';
    for (const param of CHECKED[name]) {
      const values = net.params.get(param)!.handle as Float64Array;
      const analytic = backend.readExact(grads.get(param)!);
      for (let s = 0; s < 2; s++) {
        const i = rng.int(values.length);
        const saved = values[i];
        const eps = 1e-5;
        values[i] = saved + eps;
        const up = loss();
        values[i] = saved - eps;
        const down = loss();
        values[i] = saved;
        const numeric = (up - down) / (2 * eps);
        const err = Math.abs(numeric - analytic[i]) / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic[i]));
        if (!(err <= worst)) [worst, where] = [err, `${param}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`];
      }
    }
    expect(worst, where).toBeLessThan(1e-4);
  });
});
