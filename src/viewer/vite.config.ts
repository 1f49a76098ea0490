// The viewer's own Vite config (`npm run viewer`, `npm run build:viewer`). The tests' dev server
// (test/harness/chromium.ts) does not read it: it serves the whole project, this page included.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { SHIPPED_MODELS } from '../nets/shipped-models.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Serves the project's trained model (the page's default when no ?model= is given) next to the page, and copies it into the build once it exists. */
function shippedModel(): Plugin {
  return {
    name: 'covid-ct-shipped-model',
    configureServer(server) {
      for (const model of SHIPPED_MODELS) {
        server.middlewares.use(`/${model}`, async (_req, res) => {
          if (!existsSync(PROJECT_ROOT + model)) {
            res.statusCode = 404;
            res.end(`${model} does not exist yet`);
            return;
          }
          res.setHeader('Content-Type', 'application/octet-stream');
          res.end(await readFile(PROJECT_ROOT + model));
        });
      }
    },
    async generateBundle() {
      for (const model of SHIPPED_MODELS) {
        if (existsSync(PROJECT_ROOT + model)) this.emitFile({ type: 'asset', fileName: model, source: await readFile(PROJECT_ROOT + model) });
        else this.warn(`${model} does not exist yet: the built page will say so, and takes ?model=URL or a model file instead`);
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the build works from any folder of any static server.
  base: './',
  publicDir: false,
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  build: { outDir: `${PROJECT_ROOT}dist/viewer`, emptyOutDir: true },
  plugins: [shippedModel()],
});
