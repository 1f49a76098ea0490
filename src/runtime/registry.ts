import type { AnyOp } from './op.ts';
import { add } from './ops/add.ts';
import { batchnorm } from './ops/batchnorm.ts';
import { concat } from './ops/concat.ts';
import { dense } from './ops/dense.ts';
import { conv2d } from './ops/conv2d.ts';
import { convTranspose2d } from './ops/conv-transpose2d.ts';
import { dropout } from './ops/dropout.ts';
import { elu } from './ops/elu.ts';
import { fireExpand } from './ops/fire-expand.ts';
import { globalAvgPool } from './ops/global-avg-pool.ts';
import { maxpool } from './ops/maxpool.ts';
import { cosineSimilarityOp } from './ops/cosine-similarity.ts';
import { relu } from './ops/relu.ts';
import { sgd } from './ops/sgd.ts';
import { softmaxCrossEntropy } from './ops/softmax-cross-entropy.ts';

/** Every op of the runtime; the only place ops are wired to backends. */
export const registry: ReadonlyMap<string, AnyOp> = new Map(
  [elu, relu, add, dropout, maxpool, globalAvgPool, concat, batchnorm, dense, softmaxCrossEntropy, cosineSimilarityOp, sgd, convTranspose2d, conv2d, fireExpand].map((op) => [op.name, op as AnyOp]),
);

export function getOp(name: string): AnyOp {
  const op = registry.get(name);
  if (!op) throw new Error(`unknown op "${name}" (known: ${[...registry.keys()].join(', ')})`);
  return op;
}
