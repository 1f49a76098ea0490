import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { numberFlag, type NumberRule } from './number-flag.ts';

/** A script's leading doc comment, its usage, as plain text. */
export function usageOf(script: string): string {
  const comment = /^\/\*\*([^]*?)\*\//.exec(readFileSync(fileURLToPath(script), 'utf8'))?.[1] ?? '';
  return comment.split('\n').map((line) => line.replace(/^\s*\* ?/, '')).join('\n').trim();
}

/**
 * parseArgs for a script run on its own, a benchmark or a tool (`script`: its import.meta.url):
 * --help prints the script's usage (its leading doc comment) and exits 0; an unknown or malformed
 * flag prints the problem and the usage and exits 2, instead of a stack trace.
 */
export function scriptArgs<T extends ParseArgsConfig>(script: string, config: T): ReturnType<typeof parseArgs<T>> {
  const args = config.args ?? process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usageOf(script));
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (err) {
    return failUsage(script, (err as Error).message);
  }
}

/** Flag --name's value as a number by `rule` (number-flag.ts); a bad one fails as scriptArgs does. */
export function scriptNumber(script: string, name: string, text: string | undefined, fallback: number, rule?: NumberRule): number {
  try {
    return numberFlag(name, text, fallback, rule);
  } catch (err) {
    return failUsage(script, (err as Error).message);
  }
}

function failUsage(script: string, problem: string): never {
  console.error(`${basename(dirname(fileURLToPath(script)))}/${basename(fileURLToPath(script))}: ${problem}\n\n${usageOf(script)}`);
  process.exit(2);
}
