import { expect, it } from 'vitest';
import { describeOnBothBackends } from '../harness/both-backends.ts';
import { describeOpCases } from '../harness/describe-op-cases.ts';
import { pointwiseCases, pointwiseGradCases } from './pointwise.cases.ts';

describeOpCases('pointwise ops (elu, relu, add, dropout)', pointwiseCases, pointwiseGradCases);

describeOnBothBackends('dropout keeps each value with probability 1 − p and scales it by 1 / (1 − p) (inverted dropout)', (backendOfRun) => {
  it('p 0.3 over 20000 ones', async () => {
    const backend = backendOfRun();
    const [y, mask] = backend.forward('dropout', [backend.tensor([20000], new Float32Array(20000).fill(1))], { p: 0.3, seed: 42 });
    const values = await y.read();
    const kept = values.filter((v) => v !== 0);
    // Binomial(20000, 0.7): sd 65 values; 4 sd either way.
    expect(kept.length).toBeGreaterThan(14000 - 260);
    expect(kept.length).toBeLessThan(14000 + 260);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.7)]));
    expect(Array.from(await mask.read()).filter((m) => m !== 0).length).toBe(kept.length);
  });
});
