import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { modelPath, SHIPPED_MODEL } from '../../src/cli/model-path.ts';

const projectFolder = process.cwd();
afterEach(() => process.chdir(projectFolder));

it('takes --model when given, else the shipped model, and says what to do when neither is there', () => {
  expect(modelPath('other.safetensors')).toBe('other.safetensors');
  expect(modelPath(undefined)).toBe(SHIPPED_MODEL);
  const elsewhere = mkdtempSync(join(tmpdir(), 'no-model-'));
  process.chdir(elsewhere);
  expect(() => modelPath(undefined)).toThrow(`--model FILE is required here: the shipped model ${SHIPPED_MODEL} is not found from ${elsewhere}`);
});
