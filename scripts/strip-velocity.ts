/**
 * Rewrites finished training checkpoints without their SGD velocities, halving them: a
 * finished cross-validation fold needs only its weights (eval --models DIR reads them), and a
 * lent GPU machine sends back at most 64 MiB. A stripped checkpoint cannot be resumed exactly.
 *
 *   node --import ./scripts/register-loader.mjs scripts/strip-velocity.ts CHECKPOINT...
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../src/nets/atomic-write.ts';
import { decodeSafetensors, encodeSafetensors } from '../src/nets/safetensors.ts';

for (const path of process.argv.slice(2)) {
  const { tensors, metadata } = decodeSafetensors(await readFile(path), path);
  const kept = new Map([...tensors].filter(([name]) => !name.startsWith('velocity/')));
  await writeFileAtomic(path, encodeSafetensors(kept, metadata));
  console.log(`${path}: ${tensors.size - kept.size} velocity tensors dropped, ${kept.size} kept`);
}
