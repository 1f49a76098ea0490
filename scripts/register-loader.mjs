// Lets plain Node run our TypeScript (through tsx) and import WGSL files as text
// with the same `?raw` suffix that Vite and Vitest understand.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./wgsl-hooks.mjs', import.meta.url);
