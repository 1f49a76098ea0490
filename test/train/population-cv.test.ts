import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CvResults } from '../../src/train/cv-results.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { COVID_CT_ROOT } from '../data/data-paths.ts';
import { covidCt, tempDir, type CliResult } from './cli.ts';

const dir = tempDir('population-cv-');
/** 3 patients of each class (31 slices), 2 folds, 1 epoch of the robust recipe at 32 × 32, batch 4, on the cpu backend. */
const TINY_CV = ['--data', COVID_CT_ROOT, '--limit', '3', '--folds', '2', '--size', '32', '--batch', '4', '--epochs', '1', '--recipe', 'robust', '--backend', 'cpu'];
const results = (outDir: string): CvResults => JSON.parse(readFileSync(join(dir, outDir, 'cv.json'), 'utf8'));

function populationCv(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('node', ['--import', './scripts/register-loader.mjs', 'scripts/population-cv.ts', ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('scripts/population-cv.ts', () => {
  it('turns a moving-statistics CV into the one cv --bn-stats population trains, P(COVID) and weights bit for bit', async () => {
    for (const [out, stats] of [['moving', 'moving'], ['population', 'population']]) {
      const run = await covidCt('cv', ...TINY_CV, '--bn-stats', stats, '--out-dir', join(dir, out));
      expect(run.code, run.stderr).toBe(0);
    }
    const converted = await populationCv('--from', join(dir, 'moving'), '--out', join(dir, 'converted'));
    expect(converted.code, converted.stderr).toBe(0);
    expect(converted.stdout).toContain('2 folds with population statistics');
    const [moving, population, made] = [results('moving'), results('population'), results('converted')];
    expect(made.settings).toEqual(population.settings);
    expect(made.settings.bnStatistics).toBe('population');
    expect(made.folds.map((f) => f.result!.pCovid)).toEqual(population.folds.map((f) => f.result!.pCovid));
    expect(made.summary).toEqual(population.summary);
    expect(made.folds.map((f) => f.result!.pCovid)).not.toEqual(moving.folds.map((f) => f.result!.pCovid));
    for (const fold of ['fold-01', 'fold-02']) {
      const [a, b] = await Promise.all([loadCheckpoint(join(dir, 'converted', fold)), loadCheckpoint(join(dir, 'population', fold))]);
      for (const [name, w] of b.weights) expect(Buffer.from(a.weights.get(name)!.buffer).equals(Buffer.from(w.buffer)), name).toBe(true);
    }

    const again = await populationCv('--from', join(dir, 'moving'), '--out', join(dir, 'converted'));
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`${join(dir, 'converted', 'cv.json')} already exists`);
    const twice = await populationCv('--from', join(dir, 'population'), '--out', join(dir, 'twice'));
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain('already has population BN statistics');

    rmSync(join(dir, 'moving', 'fold-02'), { recursive: true });
    const lost = await populationCv('--from', join(dir, 'moving'), '--out', join(dir, 'lost'));
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain(`\nscripts/population-cv.ts: there is no checkpoint ${join(dir, 'moving', 'fold-02', 'checkpoint.safetensors')}\n`);
    expect(lost.stderr).not.toContain('--resume');
  });
});
