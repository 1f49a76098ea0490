import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { softmaxRows } from '../../src/cli/softmax.ts';
import { buildNet } from '../../src/nets/index.ts';
import { createNet } from '../../src/nets/init.ts';
import { saveModelFile } from '../../src/nets/model-file.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { Random } from '../../src/runtime/random.ts';

const run = promisify(execFile);

it('covid-ct export-onnx writes a model that onnxruntime-node runs to our probabilities', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-cli-'));
  const model = join(dir, 'm.safetensors');
  const net = createNet(buildNet('light-cnn'), new CpuBackend(), 5);
  await saveModelFile(model, net, {
    net: 'light-cnn', inChannels: 1, inputSize: 224, preprocessing: {}, classNames: ['NonCOVID', 'COVID'], training: 'untrained',
  });
  const out = join(dir, 'm.onnx');
  await run('node', ['bin/covid-ct.mjs', 'export-onnx', '--model', model, '--out', out]);
  const session = await ort.InferenceSession.create(readFileSync(out));
  const x = new Random(3).normals(224 * 224);
  const result = await session.run({ input: new ort.Tensor('float32', x, [1, 1, 224, 224]) });
  const theirs = result.probabilities.data as Float32Array;
  const ours = softmaxRows(await net.forward(net.backend.tensor([1, 1, 224, 224], x), 'infer').logits.read(), 2);
  expect(Math.max(...theirs.map((v, i) => Math.abs(v - ours[i])))).toBeLessThan(1e-4);
  await expect(run('node', ['bin/covid-ct.mjs', 'export-onnx', '--model', model])).rejects.toThrow(/export-onnx needs --out FILE/);
  const renamed = join(dir, 'm.weights');
  copyFileSync(model, renamed);
  for (const [from, over] of [[model, model], [model, join(dir, 'other.safetensors')], [renamed, renamed]]) {
    await expect(run('node', ['bin/covid-ct.mjs', 'export-onnx', '--model', from, '--out', over])).rejects.toThrow(`--out ${over}: an ONNX file would replace a model file there; give a .onnx file`);
  }
  expect(readFileSync(renamed)).toEqual(readFileSync(model));
});
