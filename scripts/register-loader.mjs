// Lets plain Node run our TypeScript (types stripped by esbuild) and import WGSL files as
// text with the same `?raw` suffix that Vite and Vitest understand.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-hooks.mjs', import.meta.url);
register('./wgsl-hooks.mjs', import.meta.url);
