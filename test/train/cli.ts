import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `covid-ct ARGS` in a child process and returns its exit code and output, failing or not. */
export function covidCt(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('node', ['bin/covid-ct.mjs', ...args], { maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

/** A tiny run on the real data set: 4 images of each class per split at 32 × 32, batch 4, on the cpu backend. */
export const TINY_RUN = ['--data', '/work/shared/data/covid-ct', '--limit', '4', '--size', '32', '--batch', '4', '--backend', 'cpu'];
