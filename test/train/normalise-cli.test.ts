import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/nets/model-file.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { preprocess } from '../../src/train/data/preprocess.ts';
import { COVID_CT_IMAGES } from '../data/data-paths.ts';
import { mean, std } from '../data/image-stats.ts';
import { covidCt, evalRecordedValidation, tempDir, TINY_RUN, type CliResult } from './cli.ts';

const dir = tempDir('normalise-cli-');
const model = join(dir, 'norm.safetensors');
const image = `${COVID_CT_IMAGES}/COVID/2020.01.24.919183-p27-132.png`;
let run: CliResult;

/** A [1, 1, 32, 32] float32 .npy file holding `input`. */
function writeNpy(name: string, input: Float32Array): string {
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 32, 32), }`.padEnd(117) + '\n';
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length, 0]), Buffer.from(header), Buffer.from(input.buffer, input.byteOffset, input.byteLength)]));
  return path;
}

async function pCovid(...files: string[]): Promise<number[]> {
  const predicted = await covidCt('predict', '--model', model, '--backend', 'cpu', '--json', ...files);
  expect(predicted.code, predicted.stderr).toBe(0);
  return JSON.parse(predicted.stdout).map((row: { pCovid: number }) => row.pCovid);
}

describe('covid-ct train --recipe robust-norm (per-image normalisation), 1 epoch at 32 × 32 (cpu)', () => {
  beforeAll(async () => {
    run = await covidCt('train', ...TINY_RUN, '--epochs', '1', '--recipe', 'robust-norm', '--out', model, '--checkpoint-dir', join(dirname(model), 'checkpoints'));
  });

  it("trains and records normalise 'image' with the recipe", async () => {
    expect(run.code, run.stderr).toBe(0);
    const { meta } = await loadModelFile(model);
    expect(meta.preprocessing).toMatchObject({ size: 32, crop: 'none', normalise: 'image', mean: 0.5967, std: 0.3198 });
    expect(meta.training).toMatchObject({ recipe: 'robust-norm' });
  });

  it('makes predict feed each image standardised on its own: the same answer as that input given as .npy, not the dataset-normalised one', async () => {
    const slice = await loadImageFile(image);
    const byImage = preprocess(slice, { size: 32, normalise: 'image' });
    expect(Math.abs(mean(byImage))).toBeLessThan(1e-6);
    expect(std(byImage)).toBeCloseTo(1, 5);
    const [fromImage, fromStandardised, fromDataset] = await pCovid(image, writeNpy('image.npy', byImage), writeNpy('dataset.npy', preprocess(slice, { size: 32 })));
    expect(fromImage).toBeCloseTo(fromStandardised, 6);
    expect(Math.abs(fromImage - fromDataset)).toBeGreaterThan(1e-4);
  });

  it('gives the validation scores it recorded when eval scores the same images', async () => {
    const { evaluated, recorded } = await evalRecordedValidation(model, dir);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toEqual(recorded);
  });
});
