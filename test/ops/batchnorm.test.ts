import { expect, it } from 'vitest';
import { describeOnBothBackends } from '../harness/both-backends.ts';
import { describeOpCases } from '../harness/describe-op-cases.ts';
import { batchnormCases, batchnormGradCases } from './batchnorm.cases.ts';

describeOpCases('batchnorm', batchnormCases, batchnormGradCases);

describeOnBothBackends('batchnorm in training moves the running statistics as PyTorch does (worked by hand)', (backendOfRun) => {
  // One channel, x = 1, 2, 3, 4: mean 2.5, unbiased variance 5/3 (the normalisation itself uses the biased 1.25).
  it('momentum 1 takes the batch mean and unbiased variance; momentum 0.1 moves 0 and 1 a tenth of the way', async () => {
    const backend = backendOfRun();
    for (const [momentum, mean, variance] of [[1, 2.5, 5 / 3], [0.1, 0.25, 0.9 + 0.1 * (5 / 3)]]) {
      const [runningMean, runningVar] = [backend.tensor([1], Float32Array.of(0)), backend.tensor([1], Float32Array.of(1))];
      const [y] = backend.forward('batchnorm', [backend.tensor([4, 1, 1, 1], Float32Array.of(1, 2, 3, 4)), backend.tensor([1], Float32Array.of(1)), backend.tensor([1], Float32Array.of(0)), runningMean, runningVar], { training: true, momentum, eps: 1e-9 });
      expect((await runningMean.read())[0]).toBeCloseTo(mean, 6);
      expect((await runningVar.read())[0]).toBeCloseTo(variance, 6);
      expect(Array.from(await y.read()).map((v) => v * Math.sqrt(1.25))).toEqual([-1.5, -0.5, 0.5, 1.5].map((v) => expect.closeTo(v, 5)));
    }
  });
});
