import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { softmaxRows } from '../../src/cli/softmax.ts';
import { buildNet } from '../../src/nets/index.ts';
import { initialWeights, netFromWeights } from '../../src/nets/init.ts';
import { loadModelFile, saveModelFile } from '../../src/nets/model-file.ts';
import { SHIPPED_MODELS } from '../../src/nets/shipped-models.ts';
import { CpuBackend } from '../../src/runtime/cpu/backend.ts';
import { loadImageFile } from '../../src/train/data/load-image-file.ts';
import { preprocess } from '../../src/train/data/preprocess.ts';
import { startChromium, type ChromiumSession } from '../harness/chromium.ts';
import { serveStatic } from './static-server.ts';
import { cliPredict, OUTPUT_DIR, PROJECT_ROOT, SAMPLES, VIEWER_PAGE, writeTestModel, type CliPrediction } from './viewer-fixtures.ts';
import { canvasStats, errorText, finishedCount, openThroughPicker, pickFile, readResult, screenshot, statusOf, waitForFinished } from './viewer-page.ts';

// Chromium started without the WebGPU flags: the page must say so and run on the CPU.
// The same browser then opens `npm run build:viewer`'s output from a plain static server.
describe('the viewer without WebGPU, and its static build', () => {
  let session: ChromiumSession | undefined;
  let model: string;
  let modelUrl: string;
  let cpu: Map<string, CliPrediction>;
  let imageModel: string;
  let imageCpu: Map<string, CliPrediction>;
  let ensembleCli: Promise<Map<string, CliPrediction>>;
  const urlOf = (file: string) => encodeURIComponent(`/${file.slice(PROJECT_ROOT.length).replace(/^\//, '')}`);
  const buildDir = mkdtempSync(join(tmpdir(), 'covid-ct-viewer-build-'));
  let staticServer: Server | undefined;

  beforeAll(async () => {
    model = await writeTestModel('viewer-cpu.safetensors');
    modelUrl = `/${model.slice(PROJECT_ROOT.length).replace(/^\//, '')}`;
    const cli = cliPredict(model, 'cpu', [SAMPLES.covidPng, SAMPLES.nonCovidJpg]);
    imageModel = await writeTestModel('viewer-cpu-image-normalised.safetensors', 'image');
    const imageCli = cliPredict(imageModel, 'cpu', [SAMPLES.covidPng, SAMPLES.nonCovidJpg]);
    ensembleCli = cliPredict(`${model},${imageModel}`, 'cpu', [SAMPLES.nonCovidJpg]);
    const build = promisify(execFile)('npm', ['run', 'build:viewer', '--', '--outDir', buildDir], { cwd: PROJECT_ROOT });
    session = await startChromium({ webgpu: false });
    [cpu, imageCpu] = await Promise.all([cli, imageCli, build]);
  }, 240_000);

  afterAll(async () => {
    await session?.close();
    staticServer?.close();
    rmSync(buildDir, { recursive: true, force: true });
  });

  async function open(path: string): Promise<Page> {
    const page = await session!.openPage(path);
    await page.setViewport({ width: 1200, height: 900 });
    await page.waitForFunction(() => document.body.dataset.backend !== undefined, { timeout: 60_000 });
    return page;
  }

  it('falls back to the CPU, says that WebGPU is not available, and classifies as the CLI does', async () => {
    const page = await open(`${VIEWER_PAGE}?model=${encodeURIComponent(modelUrl)}`);
    expect(await page.$eval('[data-testid="backend-select"]', (e) => (e as HTMLSelectElement).value)).toBe('cpu');
    expect(await page.$eval('option[value="webgpu"]', (e) => (e as HTMLOptionElement).disabled)).toBe(true);
    expect(await statusOf(page, 'backend-status')).toMatch(/^WebGPU is not available in this browser, so the model runs on the CPU \(no WebGPU adapter: .+\)\.$/);
    await openThroughPicker(page, SAMPLES.covidPng);
    const result = await readResult(page);
    await screenshot(page, 'no-webgpu-fallback');
    const want = cpu.get(SAMPLES.covidPng)!;
    expect(result.error).toBeNull();
    expect(result.label).toBe(want.label);
    expect(Math.abs(result.pCovid - want.pCovid)).toBeLessThan(1e-4);
    expect(result.latencyBackend).toBe('CPU (JavaScript)');
    expect(result.layerMethod).toBe('cpu-wall');
    expect((await canvasStats(page, 'cam-canvas')).colours).toBeGreaterThan(100);
    await page.close();
  });

  it('standardises each slice on its own for a model trained with normalise image, as the CLI does', async () => {
    const page = await open(`${VIEWER_PAGE}?model=${urlOf(imageModel)}`);
    for (const file of [SAMPLES.covidPng, SAMPLES.nonCovidJpg]) {
      await openThroughPicker(page, file);
      const result = await readResult(page);
      const want = imageCpu.get(file)!;
      expect(result.error).toBeNull();
      expect(result.label).toBe(want.label);
      expect(Math.abs(result.pCovid - want.pCovid)).toBeLessThan(1e-4);
    }
    await page.close();
    // the comparison can tell: the data set's constants would give another answer
    const { spec, weights } = await loadModelFile(imageModel);
    const net = netFromWeights(spec, new CpuBackend(), weights);
    const pass = net.forward(net.backend.tensor([1, 1, 224, 224], preprocess(await loadImageFile(SAMPLES.covidPng), { crop: 'body' })), 'infer');
    const [, byDataset] = softmaxRows(await pass.logits.read(), 2);
    expect(Math.abs(byDataset - imageCpu.get(SAMPLES.covidPng)!.pCovid)).toBeGreaterThan(1e-3);
  });

  it('says clearly that the default model is missing, and works once a model file is opened', async () => {
    const page = await open(VIEWER_PAGE);
    await page.waitForFunction(() => !(document.querySelector('[data-testid="error"]') as HTMLElement).hidden);
    await screenshot(page, 'missing-model');
    expect(await errorText(page)).toMatch(/^the model models\/light-cnn\.safetensors was not found \(HTTP 404\)\. No trained model ships with this page yet/);
    expect(await statusOf(page, 'model-status')).toBe('No model loaded.');

    await openThroughPicker(page, SAMPLES.nonCovidJpg);
    expect(await errorText(page)).toMatch(/^no model is loaded/);

    await pickFile(page, 'model-input', model);
    await page.waitForFunction(() => document.querySelector('[data-testid="model-status"]')!.textContent!.startsWith('Model: light-cnn'));
    await openThroughPicker(page, SAMPLES.nonCovidJpg);
    const result = await readResult(page);
    expect(result.error).toBeNull();
    expect(Math.abs(result.pCovid - cpu.get(SAMPLES.nonCovidJpg)!.pCovid)).toBeLessThan(1e-4);
    await page.close();
  });

  it('keeps the model in use when another model file is refused, naming why (a 3-channel model, a file that is no model)', async () => {
    const page = await open(`${VIEWER_PAGE}?model=${urlOf(model)}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="model-status"]')!.textContent!.startsWith('Model: light-cnn'));
    const rgb = join(OUTPUT_DIR, 'viewer-rgb.safetensors');
    const spec = buildNet('light-cnn', { inChannels: 3 });
    await saveModelFile(rgb, netFromWeights(spec, new CpuBackend(), initialWeights(spec, 1)), { ...(await loadModelFile(model)).meta, inChannels: 3 });
    const refused = async (file: string) => {
      await pickFile(page, 'model-input', file);
      // The status of the previous refusal also ends "was refused.": wait for this file's.
      await page.waitForFunction((name) => document.querySelector('[data-testid="model-status"]')!.textContent!.endsWith(`${name} was refused.`), {}, basename(file));
      return { status: await statusOf(page, 'model-status'), error: await errorText(page) };
    };
    const threeChannels = await refused(rgb);
    expect(threeChannels.error).toBe("viewer-rgb.safetensors: the model takes 3-channel input; the classifier feeds it one gray channel, as the model's training did.");
    expect(threeChannels.status).toMatch(/^Model: light-cnn, [\d,]+ parameters, from .*viewer-cpu\.safetensors .*; viewer-rgb\.safetensors was refused\.$/);
    const junk = join(OUTPUT_DIR, 'not-a-model.safetensors');
    writeFileSync(junk, 'not a model');
    expect((await refused(junk)).error).toMatch(/^not-a-model\.safetensors: not a safetensors file/);
    await openThroughPicker(page, SAMPLES.nonCovidJpg);
    const result = await readResult(page);
    expect(result.error).toBeNull();
    expect(Math.abs(result.pCovid - cpu.get(SAMPLES.nonCovidJpg)!.pCovid)).toBeLessThan(1e-4);
    await page.close();
  });

  it('answers every request with an error once the model worker has failed, instead of staying busy', async () => {
    const page = await session!.browser.newPage();
    await page.setRequestInterception(true);
    page.on('request', (request) => void (request.url().includes('model-worker') ? request.respond({ status: 500, body: 'down' }) : request.continue()));
    await page.goto(`${session!.origin}${VIEWER_PAGE}?model=${urlOf(model)}`, { waitUntil: 'load' });
    await page.waitForFunction(() => !(document.querySelector('[data-testid="error"]') as HTMLElement).hidden);
    await openThroughPicker(page, SAMPLES.nonCovidJpg);
    expect(await errorText(page)).toMatch(/^the model worker failed: .*; reload the page$/);
    expect(await page.evaluate(() => document.body.dataset.busy)).toBe('false');
    await page.close();
  });

  it('builds to static files that work from a plain static server (gallery sample, the default model, an ensemble)', async () => {
    const files = readdirSync(buildDir, { recursive: true }).map(String);
    expect(files).toContain('index.html');
    expect(files.some((f) => /^assets\/model-worker-.+\.js$/.test(f)), files.join(', ')).toBe(true);
    const shipped = `/${SHIPPED_MODELS[0]}`;
    const served = await serveStatic(buildDir, { [shipped]: model, '/second.safetensors': imageModel });
    staticServer = served.server;
    const scoreSample = async (query: string, status: string) => {
      const page = await session!.browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      await page.goto(`${served.origin}/${query}`, { waitUntil: 'load' });
      await page.waitForFunction((want) => document.querySelector('[data-testid="model-status"]')!.textContent!.startsWith(want), { timeout: 60_000 }, status);
      const before = await finishedCount(page);
      await page.click('[data-sample="noncovid-jpg"]');
      await waitForFinished(page, before);
      return { page, result: await readResult(page) };
    };
    const single = await scoreSample('', 'Model: light-cnn');
    expect(single.result.error).toBeNull();
    expect(Math.abs(single.result.pCovid - cpu.get(SAMPLES.nonCovidJpg)!.pCovid)).toBeLessThan(1e-4);
    await single.page.close();
    // The two members crop alike and normalise differently, as their own CLI ensemble does.
    const { page, result } = await scoreSample(`?model=${encodeURIComponent(`${shipped},/second.safetensors`)}`, 'Model: an ensemble of 2, P(COVID) the mean of theirs: light-cnn');
    await screenshot(page, 'static-build');
    const want = (await ensembleCli).get(SAMPLES.nonCovidJpg)!;
    expect(Math.abs(want.pCovid - cpu.get(SAMPLES.nonCovidJpg)!.pCovid)).toBeGreaterThan(1e-3); // the second member counts
    expect(result.error).toBeNull();
    expect(result.label).toBe(want.label);
    expect(Math.abs(result.pCovid - want.pCovid)).toBeLessThan(1e-4);
    expect(await statusOf(page, 'file-name')).toBe('NonCOVID-33_0.jpg (600 × 425, as the model crops it: 599 × 399)');
    await page.close();
  });
});
