import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelFile } from '../../src/nets/model-file.ts';
import { COVID_CT_ROOT } from '../data/data-paths.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `covid-ct ARGS` in a child process and returns its exit code and output, failing or not. */
export function covidCt(...args: string[]): Promise<CliResult> {
  return covidCtIn(process.cwd(), ...args);
}

/** covidCt with `cwd` as the working folder, where relative paths and defaults land. */
export function covidCtIn(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('node', [join(process.cwd(), 'bin/covid-ct.mjs'), ...args], { cwd, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

/** A tiny run on the real data set: 4 images of each class per split at 32 × 32, batch 4, on the cpu backend. */
export const TINY_RUN = ['--data', '/work/shared/data/covid-ct', '--limit', '4', '--size', '32', '--batch', '4', '--backend', 'cpu'];

/** The first `n` COVID and then the first `n` NonCOVID lines (CLASS/file) of a split of the data set. */
export function splitHead(split: 'train' | 'val', n: number): string[] {
  const lines = readFileSync(`${COVID_CT_ROOT}/splits/${split}.txt`, 'utf8').trim().split('\n');
  return ['COVID', 'NonCOVID'].flatMap((label) => lines.filter((line) => line.startsWith(`${label}/`)).slice(0, n));
}

/**
 * `covid-ct eval --json` of `model` on the first 4 COVID and 4 NonCOVID slices of the validation
 * split (those a TINY_RUN validates on), and the validation metrics the model recorded.
 */
export async function evalRecordedValidation(model: string, dir: string): Promise<{ evaluated: CliResult; recorded: unknown }> {
  const list = join(dir, 'val-8.txt');
  writeFileSync(list, splitHead('val', 4).join('\n'));
  const evaluated = await covidCt('eval', '--data', COVID_CT_ROOT, '--list', list, '--model', model, '--backend', 'cpu', '--batch', '4', '--json');
  const { meta } = await loadModelFile(model);
  return { evaluated, recorded: (meta.training as Record<string, unknown>).val };
}
