#!/usr/bin/env node
// Runs the TypeScript CLI through our esbuild loader, with WGSL files importable as text.
import '../scripts/register-loader.mjs';

await import('../src/cli/covid-ct.ts');
