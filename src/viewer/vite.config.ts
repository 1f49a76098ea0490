// The viewer's own Vite config (`npm run viewer`, `npm run build:viewer`). The tests' dev server
// (test/harness/chromium.ts) does not read it: it serves the whole project, this page included.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where the page looks for the model when no ?model= is given, relative to the page. */
const MODEL = 'models/light-cnn.safetensors';

/** Serves the project's trained model next to the page, and copies it into the build once it exists. */
function shippedModel(): Plugin {
  const file = PROJECT_ROOT + MODEL;
  return {
    name: 'covid-ct-shipped-model',
    configureServer(server) {
      server.middlewares.use(`/${MODEL}`, async (_req, res) => {
        if (!existsSync(file)) {
          res.statusCode = 404;
          res.end(`${MODEL} does not exist yet`);
          return;
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(await readFile(file));
      });
    },
    async generateBundle() {
      if (existsSync(file)) this.emitFile({ type: 'asset', fileName: MODEL, source: await readFile(file) });
      else this.warn(`${MODEL} does not exist yet: the built page will say so, and takes ?model=URL or a model file instead`);
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
