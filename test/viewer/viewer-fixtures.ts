// What the viewer tests share: the bundled samples, a seeded untrained model whose two
// photos fall on either side of P(COVID) = 0.5, and the CLI's answers for them.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { saveModelFile } from '../../src/nets/model-file.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import type { Normalise } from '../../src/train/data/normalise.ts';
import { preprocess, PREPROCESSING } from '../../src/train/data/preprocess.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Gitignored: models the tests write and the screenshots they take. */
export const OUTPUT_DIR = join(PROJECT_ROOT, 'test-output/viewer');
export const VIEWER_PAGE = '/src/viewer/index.html';

const SAMPLE_DIR = join(PROJECT_ROOT, 'src/viewer/samples');
export const SAMPLES = {
  covidPng: join(SAMPLE_DIR, 'COVID-2020.03.19.20038539-p10-57.png'),
  nonCovidJpg: join(SAMPLE_DIR, 'NonCOVID-33_0.jpg'),
  dicom: join(SAMPLE_DIR, 'ct-small-explicit-le.dcm'),
};

export interface CliPrediction {
  file: string;
  pCovid: number;
  label: string;
  ms: number;
  backend: string;
}

/**
 * An untrained light-cnn (seed 11) with the COVID bias moved so that the two photos'
 * logit differences sit either side of zero: the labels then differ, and a page that
 * mixed up images or classes could not match the CLI by chance. With normalise 'image' the
 * model records it (otherwise nothing, as models made before it existed). Returns the file's path.
 */
export async function writeTestModel(name: string, normalise: Normalise = 'dataset'): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const spec = buildNet('light-cnn');
  const weights = initialWeights(spec, 11);
  const margin = async (file: string) => {
    const net = netFromWeights(spec, new CpuBackend(), weights);
    const pass = net.forward(net.backend.tensor([1, 1, 224, 224], preprocess(await loadImageFile(file), { crop: 'body', normalise })), 'infer');
    const [nonCovid, covid] = await pass.logits.read();
    return covid - nonCovid;
  };
  const [a, b] = [await margin(SAMPLES.covidPng), await margin(SAMPLES.nonCovidJpg)];
  if (Math.abs(a - b) < 1e-3) throw new Error(`the two samples give the same logits (${a}, ${b}): cannot place them either side of 0.5`);
  weights.get('fc.bias')![1] -= (a + b) / 2;
  const path = join(OUTPUT_DIR, name);
  await saveModelFile(path, netFromWeights(spec, new CpuBackend(), weights), {
    net: 'light-cnn',
    inChannels: 1,
    inputSize: 224,
    // cropped to the body: the page must crop as the CLI does to give the same answers
    preprocessing: { ...PREPROCESSING, crop: 'body', ...(normalise === 'image' ? { normalise } : {}) },
    classNames: ['NonCOVID', 'COVID'],
    training: 'untrained (seed 11, COVID bias moved), for the viewer tests',
  });
  return path;
}

/** `covid-ct predict --json` on `files`, keyed by file path. */
export async function cliPredict(model: string, backend: 'cpu' | 'webgpu', files: string[]): Promise<Map<string, CliPrediction>> {
  const args = ['bin/covid-ct.mjs', 'predict', '--model', model, '--json', '--backend', backend, ...files];
  const { stdout } = await promisify(execFile)('node', args, { cwd: PROJECT_ROOT, maxBuffer: 1 << 20 });
  const rows = JSON.parse(stdout) as CliPrediction[];
  return new Map(rows.map((r) => [r.file, r]));
}
