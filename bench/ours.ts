import { softmaxRows } from '../src/cli/softmax.ts';
import { inferenceNet } from '../src/nets/fold-batchnorm.ts';
import type { GraphSpec } from '../src/nets/graph.ts';
import { netFromWeights } from '../src/nets/init.ts';
import type { Backend } from '../src/runtime/backend.ts';
import { WebGpuBackend } from '../src/runtime/gpu/backend.ts';
import { Sgd, trainStep } from '../src/train/train-step.ts';
import { BENCH_SGD, benchInput, benchLabels } from './bench-inputs.ts';
import type { CaseRunner } from './latency.ts';

/** Peak memory of our GPU buffer pool (weights included); null on the CPU backend. */
function peakOf(backend: Backend): Pick<CaseRunner, 'resetPeak' | 'peakGpuBytes'> {
  if (!(backend instanceof WebGpuBackend)) return { peakGpuBytes: () => null };
  return { resetPeak: () => backend.pool.resetPeak(), peakGpuBytes: () => backend.memory().peakBytesInUse };
}

/** Inference on our backend (BN folded into the convolutions): upload the batch, forward, read the logits back, softmax on the host. */
export function oursInferRunner(backend: Backend, spec: GraphSpec, weights: ReadonlyMap<string, Float32Array>, batch: number): CaseRunner {
  const net = inferenceNet(spec, backend, weights);
  const input = benchInput(spec, batch);
  const shape = [batch, ...spec.inputShape];
  return {
    async run() {
      const x = backend.tensor(shape, input);
      const pass = net.forward(x, 'infer');
      const logits = await pass.logits.read();
      net.release(pass);
      x.dispose();
      return softmaxRows(logits, logits.length / batch);
    },
    ...peakOf(backend),
    dispose: () => net.dispose(),
  };
}

/** One training step on our backend: forward in training mode, loss, backward, SGD update, loss read back. */
export function oursTrainRunner(backend: Backend, spec: GraphSpec, weights: ReadonlyMap<string, Float32Array>, batch: number): CaseRunner {
  const net = netFromWeights(spec, backend, weights);
  const sgd = new Sgd(net);
  const input = benchInput(spec, batch);
  const labels = benchLabels(batch);
  const classWeights = Float32Array.of(1, 1);
  const shape = [batch, ...spec.inputShape];
  let step = 0;
  return {
    async run() {
      const x = backend.tensor(shape, input);
      await trainStep(net, sgd, x, labels, classWeights, BENCH_SGD, step++);
      x.dispose();
      return null;
    },
    ...peakOf(backend),
    dispose() {
      sgd.dispose();
      net.dispose();
    },
  };
}
