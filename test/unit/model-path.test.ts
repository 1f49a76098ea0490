import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { modelPath } from '../../src/cli/model-path.ts';
import { SHIPPED_MODELS } from '../../src/nets/shipped-models.ts';

const projectFolder = process.cwd();
afterEach(() => process.chdir(projectFolder));

it('takes --model when given, else the shipped pair of models, and says what to do when neither is there', () => {
  expect(modelPath('other.safetensors')).toBe('other.safetensors');
  expect(modelPath('a.safetensors,b.safetensors')).toBe('a.safetensors,b.safetensors');
  expect(modelPath(undefined)).toBe('models/light-cnn-dihedral.safetensors,models/light-cnn-dihedral-lung-box.safetensors');
  const elsewhere = mkdtempSync(join(tmpdir(), 'no-model-'));
  process.chdir(elsewhere);
  expect(() => modelPath(undefined)).toThrow(`--model FILE is required here: the shipped model ${SHIPPED_MODELS[0]} is not found from ${elsewhere}`);
  expect(() => modelPath('a.safetensors,')).toThrow('--model a.safetensors,: a name in the list is empty; separate model files by single commas');
});
