import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { modelFiles } from '../../src/cli/model-path.ts';
import { SHIPPED_MODELS } from '../../src/nets/shipped-models.ts';

const projectFolder = process.cwd();
afterEach(() => process.chdir(projectFolder));

it('takes --model when given, else the shipped model, and says what to do when neither is there', () => {
  expect(modelFiles('other.safetensors')).toEqual(['other.safetensors']);
  expect(modelFiles('a.safetensors,b.safetensors')).toEqual(['a.safetensors', 'b.safetensors']);
  expect(modelFiles(undefined)).toEqual(['models/light-cnn.safetensors']);
  const elsewhere = mkdtempSync(join(tmpdir(), 'no-model-'));
  process.chdir(elsewhere);
  expect(() => modelFiles(undefined)).toThrow(`--model FILE is required here: the shipped model ${SHIPPED_MODELS[0]} is not found from ${elsewhere}`);
  expect(() => modelFiles('a.safetensors,')).toThrow('--model a.safetensors,: a name in the list is empty; separate model files by single commas');
});
