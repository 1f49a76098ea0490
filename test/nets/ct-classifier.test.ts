import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classActivationMaps } from '../../src/nets/cam.ts';
import { withClasses } from '../../src/nets/classifier.ts';
import { CtClassifier, decodeClassifier, type ModelBytes } from '../../src/nets/ct-classifier.ts';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights } from '../../src/nets/init.ts';
import { decodeModel, encodeModel } from '../../src/nets/model-format.ts';
import { SHIPPED_MODELS } from '../../src/nets/shipped-models.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { decodeImage } from '../../src/train/data/decode-image.ts';
import type { GrayImage } from '../../src/train/data/image.ts';
import { webgpuForTests } from '../harness/webgpu.ts';

const SAMPLES_DIR = 'src/viewer/samples';
const samples = readdirSync(SAMPLES_DIR).filter((f) => /\.(png|jpe?g|dcm)$/i.test(f)).sort().map((f) => join(SAMPLES_DIR, f));
const slices = new Map<string, GrayImage>(samples.map((file) => [file, decodeImage(readFileSync(file), file)]));
const [shippedFile] = SHIPPED_MODELS;
const { meta } = decodeModel(readFileSync(shippedFile), shippedFile);

/** A light-cnn model file with fresh weights and the shipped model's metadata but for `options`. */
function modelOf(source: string, options: { inChannels?: number; size?: number; classNames?: string[]; crop?: string; seed?: number }): ModelBytes {
  const { inChannels = 1, size = 224, classNames = meta.classNames } = options;
  const spec = withClasses(buildNet('light-cnn', { inChannels, size }), classNames.length);
  const preprocessing = { ...meta.preprocessing, size, crop: options.crop ?? meta.preprocessing.crop };
  return { source, bytes: encodeModel(spec, initialWeights(spec, options.seed ?? 1), { ...meta, inChannels, inputSize: size, preprocessing, classNames }) };
}

// The shipped model and a second member that crops to the lungs' box, as `predict --model A,B` takes them.
const pairDir = mkdtempSync(join(tmpdir(), 'ct-classifier-'));
const lungBoxMember = modelOf(join(pairDir, 'lung-box.safetensors'), { crop: 'lung-box', seed: 2 });
const pairFiles: ModelBytes[] = [{ source: shippedFile, bytes: readFileSync(shippedFile) }, lungBoxMember];

describe('CtClassifier: the shipped model and a lung-box member, an ensemble, on the bundled samples', () => {
  const cpu = new CpuBackend();
  let pair: CtClassifier;
  let alone: CtClassifier[];
  let cli: { file: string; pCovid: number; label: string }[];

  beforeAll(async () => {
    writeFileSync(lungBoxMember.source, lungBoxMember.bytes);
    const members = decodeClassifier(pairFiles);
    pair = await CtClassifier.create(members, cpu);
    alone = await Promise.all(members.map((m) => CtClassifier.create([m], cpu)));
    const { stdout } = await promisify(execFile)('node', ['bin/covid-ct.mjs', 'predict', ...samples, '--model', pairFiles.map((f) => f.source).join(','), '--backend', 'cpu', '--json'], { maxBuffer: 1 << 20 });
    cli = JSON.parse(stdout);
  }, 120_000);
  afterAll(() => {
    [pair, ...alone].forEach((c) => c.dispose());
    rmSync(pairDir, { recursive: true, force: true });
  });

  it('gives what covid-ct predict gives, the mean of what each member gives alone', async () => {
    expect(cli.map((row) => row.file)).toEqual(samples);
    for (const { file, pCovid, label } of cli) {
      const got = await pair.classify(slices.get(file)!);
      expect(Math.abs(got.pCovid - pCovid)).toBeLessThan(1e-6);
      expect(got.label).toBe(label);
      const members = await Promise.all(alone.map((c) => c.classify(slices.get(file)!)));
      expect(got.memberPCovid).toEqual(members.map((m) => m.pCovid));
      expect(Math.abs(got.pCovid - (members[0].pCovid + members[1].pCovid) / 2)).toBeLessThan(1e-6);
      expect(got.latencyMs).toBeGreaterThan(0);
    }
    expect(pair.warmUpMs).toBeGreaterThan(0);
  });

  it("maps the predicted class over the first member's crop; a member alone gives its own net's map over its own crop", async () => {
    const slice = slices.get(samples[0])!;
    const got = await pair.classify(slice);
    expect(got.slice).toEqual(slice); // the first member (the shipped model) takes the slice whole
    expect(got.cam.className).toBe(got.label);
    const boxed = await alone[1].classify(slice);
    expect(boxed.slice.width).toBeLessThan(slice.width); // the lungs' box
    const x = alone[1].input(slice, 0);
    const pass = alone[1].nets[0].forward(x, 'infer', { keepFeatures: true });
    const maps = await classActivationMaps(alone[1].nets[0], pass.features!);
    alone[1].nets[0].release(pass);
    x.dispose();
    const [height, width] = maps.rawSize;
    const best = alone[1].members[0].meta.classNames.indexOf(boxed.label);
    expect({ height: boxed.cam.height, width: boxed.cam.width }).toEqual({ height, width });
    expect(boxed.cam.data).toEqual(maps.raw.slice(best * height * width, (best + 1) * height * width));
  });

  it('scores on WebGPU what it scores on the CPU', async () => {
    const gpu = await CtClassifier.create(decodeClassifier(pairFiles), await webgpuForTests());
    try {
      for (const file of samples) {
        const [a, b] = [await pair.classify(slices.get(file)!), await gpu.classify(slices.get(file)!)];
        expect(Math.abs(a.pCovid - b.pCovid)).toBeLessThan(1e-4);
        expect(b.label).toBe(a.label);
      }
    } finally {
      gpu.dispose();
      gpu.backend.dispose();
    }
  }, 120_000);
});

describe('decodeClassifier: files it refuses, by name', () => {
  it('refuses no file, a 3-channel model, a model that is no COVID classifier, and members that disagree', () => {
    expect(() => decodeClassifier([])).toThrow('a classifier needs at least one model file');
    expect(() => decodeClassifier([modelOf('rgb.safetensors', { inChannels: 3 })])).toThrow("rgb.safetensors: the model takes 3-channel input; the classifier feeds it one gray channel, as the model's training did");
    expect(() => decodeClassifier([modelOf('turns.safetensors', { classNames: ['0°', '90°', '180°', '270°'] })])).toThrow(/turns\.safetensors.*is not a COVID classifier/);
    expect(() => decodeClassifier([modelOf('a.safetensors', {}), modelOf('b.safetensors', { size: 112 })])).toThrow('ensemble members differ in input size: a.safetensors has 1×224×224, b.safetensors has 1×112×112');
    expect(() => decodeClassifier([{ source: 'junk.safetensors', bytes: new TextEncoder().encode('not a model') }])).toThrow(/^junk\.safetensors: not a safetensors file/);
  });
});
