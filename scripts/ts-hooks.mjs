// Module hooks that run our TypeScript in plain Node: esbuild strips the types, file by file.
// Not tsx: its esbuild options keep function names, which wraps every closure in a call to
// Object.defineProperty each time it is created, and that made per-pixel closures (augmentation)
// and other hot loops several times slower in Node than in the browser build.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const TARGET = `node${process.versions.node}`;

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const { code } = await transform(await readFile(path, 'utf8'), { loader: 'ts', format: 'esm', target: TARGET, sourcemap: 'inline', sourcefile: path });
  return { format: 'module', source: code, shortCircuit: true };
}
