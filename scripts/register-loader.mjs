// Lets plain Node run our TypeScript (types stripped by esbuild) and import WGSL files as
// text with the same `?raw` suffix that Vite and Vitest understand. Stack traces name the
// TypeScript lines under `node --enable-source-maps` (left off by default: it made CPU
// inference a few percent slower here).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
register('./wgsl-hooks.mjs', import.meta.url);
