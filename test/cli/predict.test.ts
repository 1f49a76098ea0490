import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../src/train/data/decode-png.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { preprocess, PREPROCESSING } from '../../src/train/data/preprocess.ts';
import { withClasses } from '../../src/nets/classifier.ts';
import { inferenceNet } from '../../src/nets/fold-batchnorm.ts';
import { buildNet } from '../../src/nets/index.ts';
import { createNet, initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { Random } from '../../src/runtime/random.ts';
import { saveModelFile } from '../../src/nets/model-file.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { softmaxRows } from '../../src/cli/softmax.ts';
import { camOverlayPng } from '../../src/cli/cam-overlay.ts';
import { classActivationMaps } from '../../src/nets/cam.ts';
import { QUARTER_TURNS, quarterTurn } from '../../src/train/rotation-batch.ts';
import { turnsFromUpright } from '../../src/train/upright.ts';

const run = promisify(execFile);
const IMAGES = '/work/shared/data/covid-ct/images';
const covidPng = `${IMAGES}/COVID/2020.01.24.919183-p27-132.png`;
const nonCovidJpg = `${IMAGES}/NonCOVID/${readdirSync(`${IMAGES}/NonCOVID`).find((f) => f.endsWith('.jpg'))}`;
const dir = mkdtempSync(join(tmpdir(), 'predict-'));
const model = join(dir, 'untrained.safetensors');

interface Row { file: string; pCovid: number; label: string; ms: number; backend: string; turned?: number }

async function predict(...args: string[]): Promise<Row[]> {
  const { stdout } = await run('node', ['bin/covid-ct.mjs', 'predict', '--model', model, '--json', ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

/** Seed-11 weights with BN statistics away from the identity, which predict folds into the squeezes. */
function testNet() {
  const spec = buildNet('light-cnn');
  const weights = initialWeights(spec, 11);
  const rng = new Random(12);
  for (const [name, v] of weights) {
    if (name.endsWith('.running_mean')) weights.set(name, v.map(() => rng.uniform(-0.3, 0.3)));
    if (name.endsWith('.running_var')) weights.set(name, v.map(() => rng.uniform(0.5, 2)));
  }
  return netFromWeights(spec, new CpuBackend(), weights);
}

/** P(COVID) of an input by calling the (unfolded) net directly on the CPU. */
async function direct(input: Float32Array): Promise<number> {
  const net = testNet();
  const pass = net.forward(net.backend.tensor([1, 1, 224, 224], input), 'infer');
  return softmaxRows(await pass.logits.read(), 2)[1];
}

describe('covid-ct predict', () => {
  beforeAll(async () => {
    const net = testNet();
    await saveModelFile(model, net, {
      net: 'light-cnn', inChannels: 1, inputSize: 224, preprocessing: { ...PREPROCESSING },
      classNames: ['NonCOVID', 'COVID'], training: 'untrained (seed 11, random BN statistics), for tests',
    });
  });

  it('prints one JSON array whose probabilities are the net\'s, on cpu and webgpu alike', async () => {
    const cpu = await predict('--backend', 'cpu', covidPng, nonCovidJpg);
    const gpu = await predict('--backend', 'webgpu', covidPng, nonCovidJpg);
    expect(cpu.map((r) => r.file)).toEqual([covidPng, nonCovidJpg]);
    expect(cpu.map((r) => r.backend)).toEqual(['cpu', 'cpu']);
    expect(gpu.map((r) => r.backend)).toEqual(['webgpu', 'webgpu']);
    const want = await direct(preprocess(await loadImageFile(covidPng)));
    expect(cpu[0].pCovid).toBeCloseTo(want, 6);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(gpu[i].pCovid - cpu[i].pCovid)).toBeLessThan(1e-4);
      expect(cpu[i].label).toBe(cpu[i].pCovid > 0.5 ? 'COVID' : 'NonCOVID');
      expect(cpu[i].ms).toBeGreaterThan(0);
    }
  });

  it('feeds .npy tensors to the net as they are, giving the same answer as the image', async () => {
    const input = preprocess(await loadImageFile(covidPng));
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 224, 224), }`.padEnd(117) + '\n';
    const npy = Buffer.concat([Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length, 0]), Buffer.from(header), Buffer.from(input.buffer, input.byteOffset, input.byteLength)]);
    const path = join(dir, 'slice.npy');
    writeFileSync(path, npy);
    const [fromNpy] = await predict('--backend', 'cpu', path);
    const [fromImage] = await predict('--backend', 'cpu', covidPng);
    expect(fromNpy.pCovid).toBeCloseTo(fromImage.pCovid, 6);
    const emptyHeader = `{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1, 224, 224), }`.padEnd(117) + '\n';
    const empty = join(dir, 'empty.npy');
    writeFileSync(empty, Buffer.concat([Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, emptyHeader.length, 0]), Buffer.from(emptyHeader)]));
    await expect(predict('--backend', 'cpu', empty)).rejects.toThrow(`${empty}: shape [0,1,224,224] is not [224,224], [1,224,224] or [N,1,224,224] with N ≥ 1`);
  });

  it('goes on, and writes its results, when the reader of its progress (stderr) goes away', async () => {
    const child = spawn('node', ['bin/covid-ct.mjs', 'predict', '--model', model, '--json', '--backend', 'cpu', nonCovidJpg, nonCovidJpg, nonCovidJpg]);
    child.stderr.once('data', () => child.stderr.destroy());
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(3);
  });

  it('writes a CAM overlay PNG at the slice\'s resolution', async () => {
    const camDir = join(dir, 'cams');
    await predict('--backend', 'cpu', '--cam', camDir, covidPng);
    const [file] = readdirSync(camDir);
    expect(file).toBe('2020.01.24.919183-p27-132.png.cam.png');
    const overlay = decodePng(new Uint8Array(readFileSync(join(camDir, file))), file);
    const slice = await loadImageFile(covidPng);
    expect([overlay.width, overlay.height]).toEqual([slice.width, slice.height]);
  });

  it('numbers the CAM of a second input of the same name instead of overwriting the first, and names a --cam that is a file', async () => {
    const [first, second] = ['a', 'b'].map((folder) => {
      mkdirSync(join(dir, folder), { recursive: true });
      copyFileSync(covidPng, join(dir, folder, 'slice.png'));
      return join(dir, folder, 'slice.png');
    });
    const camDir = join(dir, 'cams-twice');
    await predict('--backend', 'cpu', '--cam', camDir, first, second);
    expect(readdirSync(camDir).sort()).toEqual(['slice.png.2.cam.png', 'slice.png.cam.png']);
    const { stderr } = await run('node', ['bin/covid-ct.mjs', 'predict', '--model', model, '--backend', 'cpu', first, second]);
    expect(stderr).toMatch(/\[1\/2\] scored slice\.png — \d+ s elapsed, ETA \d+ s\n\[2\/2\] scored slice\.png — /);
    await expect(predict('--backend', 'cpu', '--cam', first, covidPng)).rejects.toThrow(`--cam ${first}: cannot make the folder (EEXIST)`);
  });

  it('--upright turns each image back by the turn its orientation net finds, says by how much, and scores the upright image', async () => {
    const orientation = createNet(withClasses(buildNet('light-cnn', { size: 32 }), QUARTER_TURNS.length), new CpuBackend(), 8);
    const orientationModel = join(dir, 'orientation-32.safetensors');
    await saveModelFile(orientationModel, orientation, {
      net: 'light-cnn', inChannels: 1, inputSize: 32, preprocessing: { ...PREPROCESSING, size: 32 }, classNames: [...QUARTER_TURNS], training: 'untrained orientation net (seed 8), for tests',
    });
    const files = readdirSync(`${IMAGES}/COVID`).sort().slice(0, 5).map((name) => `${IMAGES}/COVID/${name}`);
    const rows = await predict('--backend', 'cpu', '--upright', orientationModel, ...files);
    const orienter = inferenceNet(orientation.spec, orientation.backend, await orientation.exportWeights());
    const turns = [];
    for (const [i, file] of files.entries()) {
      const image = await loadImageFile(file);
      const [turn] = await turnsFromUpright(orienter, { count: 1, size: 32, x: preprocess(image, { size: 32 }), labels: new Float32Array(1) }, 1);
      turns.push(turn);
      expect(rows[i].turned).toBe(90 * turn);
      expect(rows[i].pCovid).toBeCloseTo(await direct(quarterTurn(preprocess(image), 224, (4 - turn) % 4)), 5);
    }
    expect(turns.some((t) => t !== 0)).toBe(true);

    // --cam: the map of the upright image, turned back, over the image as it is.
    const k = turns.findIndex((t) => t !== 0);
    const camDir = join(dir, 'upright-cams');
    const [{ label }] = await predict('--backend', 'cpu', '--upright', orientationModel, '--cam', camDir, files[k]);
    const image = await loadImageFile(files[k]);
    const classifier = testNet();
    const folded = inferenceNet(classifier.spec, classifier.backend, await classifier.exportWeights());
    const pass = folded.forward(folded.backend.tensor([1, 1, 224, 224], quarterTurn(preprocess(image), 224, 4 - turns[k])), 'infer', { keepFeatures: true });
    const maps = await classActivationMaps(folded, pass.features!);
    const [h, w] = maps.rawSize;
    const best = label === 'COVID' ? 1 : 0;
    const want = camOverlayPng(image, { data: quarterTurn(maps.raw.subarray(best * h * w, (best + 1) * h * w), h, turns[k]), height: h, width: w });
    expect(readFileSync(join(camDir, `${basename(files[k])}.cam.png`)).equals(want)).toBe(true);

    await expect(predict('--backend', 'cpu', '--upright', model, covidPng)).rejects.toThrow(/is not an orientation net: its classes are NonCOVID, COVID/);
    await expect(predict('--backend', 'cpu', '--upright', orientationModel, join(dir, 'any.npy'))).rejects.toThrow(/--upright: .*any\.npy is a preprocessed tensor at the classifier's size; the orientation net needs the image itself/);
  });

  it('skips an image it cannot decode, naming it, and scores the others; --strict stops there instead', async () => {
    const bad = join(dir, 'skipped.png');
    writeFileSync(bad, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    const { stdout, stderr } = await run('node', ['bin/covid-ct.mjs', 'predict', '--model', model, '--json', '--backend', 'cpu', bad, covidPng]);
    expect((JSON.parse(stdout) as Row[]).map((r) => r.file)).toEqual([covidPng]);
    expect(stderr).toContain(`skipped ${bad}: truncated PNG`);
    await expect(predict('--backend', 'cpu', '--strict', bad, covidPng)).rejects.toThrow(`truncated PNG: file ends at byte 11 before the IEND chunk in ${bad}`);
  });

  it('names the file at fault and exits non-zero', async () => {
    const bad = join(dir, 'broken.png');
    writeFileSync(bad, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    await expect(predict('--backend', 'cpu', bad)).rejects.toThrow(/skipped .*broken\.png: truncated PNG[^]*no input could be read: each is named above/);
    await expect(run('node', ['bin/covid-ct.mjs', 'predict', '--model', '', covidPng])).rejects.toThrow('--model is empty: give a model file, or leave the flag out for the shipped model');
    await expect(predict('--cam', '', covidPng)).rejects.toThrow('--cam is empty: give the folder for the CAM overlays');
    await expect(run('node', ['bin/covid-ct.mjs', 'predict', '--model', `${model},`, covidPng])).rejects.toThrow(`--model ${model},: a name in the list is empty; separate model files by single commas`);
    await expect(predict('--backend', 'cpu', join(dir, 'missing.png'))).rejects.toThrow(/missing\.png/);
    const wrongShape = join(dir, 'wrong.npy');
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }`.padEnd(117) + '\n';
    writeFileSync(wrongShape, Buffer.concat([Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length, 0]), Buffer.from(header), Buffer.alloc(60)]));
    await expect(predict('--backend', 'cpu', wrongShape)).rejects.toThrow(/wrong\.npy: shape \[3,5\] is not \[224,224\], \[1,224,224\] or \[N,1,224,224\]/);
  });
});
