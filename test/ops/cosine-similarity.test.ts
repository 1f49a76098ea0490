import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/runtime/backend.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { ShapeError } from '../../src/runtime/shape.ts';
import { describeOpCases } from '../harness/describe-op-cases.ts';
import { webgpuForTests } from '../harness/webgpu.ts';
import { cosineSimilarityCases, cosineSimilarityGradCases } from './cosine-similarity.cases.ts';

describeOpCases('cosine_similarity', cosineSimilarityCases, cosineSimilarityGradCases);

/** NT-Xent as a training step forms it: softmax_cross_entropy of cosine_similarity with its diagonal masked, row i labelled with i + N/2 (mod N). */
async function ntXent(backend: Backend, z: number[], dims: number, attrs = {}) {
  const n = z.length / dims;
  const input = [backend.tensor([n, dims], Float32Array.from(z))];
  const [s] = backend.forward('cosine_similarity', input, attrs);
  const mask = backend.tensor([n, n], Float32Array.from({ length: n * n }, (_, e) => (e % (n + 1) === 0 ? -1e9 : 0)));
  const [logits] = backend.forward('add', [s, mask]);
  const xentInputs = [logits, backend.tensor([n], Float32Array.from({ length: n }, (_, i) => (i + n / 2) % n)), backend.tensor([n], new Float32Array(n).fill(1))];
  const [loss, probs] = backend.forward('softmax_cross_entropy', xentInputs);
  const [ds] = backend.backward('softmax_cross_entropy', xentInputs, [loss, probs], backend.tensor([1], Float32Array.of(1)));
  const [dz] = backend.backward('cosine_similarity', input, [s], ds!, attrs);
  return { loss: (await loss.read())[0], probs: [...(await probs.read())], dz: [...(await dz!.read())] };
}

describe.each([
  ['cpu', async () => new CpuBackend() as Backend],
  ['webgpu', webgpuForTests],
])('NT-Xent from cosine_similarity on %s', (_name, make) => {
  // Rows 0 and 2 are one image's views, 1 and 3 another's; all four are unit vectors, τ = 1.
  const z = [1, 0, 0, 1, 1, 0, 0, -1];
  const e = Math.E;

  it('is the mean over rows of −log softmax(similarities)[pair] (worked by hand)', async () => {
    const r = await ntXent(await make(), z, 2, { temperature: 1 });
    // Row 0: similarities 0, 1, 0 to rows 1, 2, 3 and its pair is row 2; row 1: 0, 0, −1 to rows 0, 2, 3, its pair row 3.
    expect(r.loss).toBeCloseTo((Math.log(2 + e) + Math.log(2 + 1 / e)) / 2, 5);
    [0, 1 / (2 + e), e / (2 + e), 1 / (2 + e)].forEach((p, i) => expect(r.probs[i]).toBeCloseTo(p, 6));
    [1 / (2 + 1 / e), 0, 1 / (2 + 1 / e), 1 / e / (2 + 1 / e)].forEach((p, i) => expect(r.probs[4 + i]).toBeCloseTo(p, 6));
  });

  it('depends on the directions of z only, and its gradient is orthogonal to each row', async () => {
    const backend = await make();
    const rows = [0.3, -1.2, 2.0, 0.1, -0.7, 0.9, 1.4, 0.2, -0.5, 0.8, 0.6, -1.1];
    const plain = await ntXent(backend, rows, 3, { temperature: 0.3 });
    const scaled = await ntXent(backend, rows.map((v, i) => v * (1 + Math.floor(i / 3))), 3, { temperature: 0.3 });
    expect(scaled.loss).toBeCloseTo(plain.loss, 5);
    for (let i = 0; i < 4; i++) {
      const dot = [0, 1, 2].reduce((sum, k) => sum + plain.dz[3 * i + k] * rows[3 * i + k], 0);
      expect(Math.abs(dot)).toBeLessThan(1e-6);
    }
    expect(Math.max(...plain.dz.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe('cosine_similarity bad input', () => {
  it('refuses a z that is not [rows, dims], naming the shape', async () => {
    expect(() => new CpuBackend().forward('cosine_similarity', [new CpuBackend().tensor([3], Float32Array.of(1, 2, 3))], {})).toThrow(/z.*\[3\]/);
  });
  it('refuses a temperature that is not positive', async () => {
    await expect(ntXent(new CpuBackend(), [1, 2], 1, { temperature: 0 })).rejects.toThrow(ShapeError);
    await expect(ntXent(new CpuBackend(), [1, 2], 1, { temperature: -1 })).rejects.toThrow('temperature must be a positive number, got -1');
  });
});
