import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultThreads } from '../runtime/cpu/worker-pool.ts';
import { writeCvResults, type CvResults } from '../train/cv-results.ts';

/** Flags of the parent's command line that each child gets its own value of, or none. */
const OWN_FLAGS = ['processes', 'resume', 'json', 'only-folds'];

/**
 * Trains the unfinished folds of a `cv` command line in `processes` child `cv --only-folds --resume`
 * processes at once, dealt round-robin, each with an equal share of the CPU threads
 * (COVID_CT_CPU_THREADS, unless set) and its own results file, OUT-DIR/part-K.json: a copy of
 * `results` unless `resume` finds one, so that folds cut off in progress go on from their checkpoints.
 * The children's progress goes to stderr, each line prefixed; rejects naming every child that failed.
 */
export async function trainFoldsInProcesses(argv: readonly string[], options: ParseArgsConfig['options'], results: CvResults, processes: number, outDir: string, resume: boolean): Promise<void> {
  const common = withoutFlags(argv, options, OWN_FLAGS);
  const pending = results.folds.flatMap((fold, f) => (fold.result ? [] : [f]));
  console.error(`training ${pending.length} fold${pending.length === 1 ? '' : 's'} in ${Math.min(processes, pending.length)} processes`);
  const threads = process.env.COVID_CT_CPU_THREADS ?? String(Math.max(1, Math.floor(defaultThreads() / processes)));
  const shares = Array.from({ length: processes }, (_, k) => pending.filter((_, i) => i % processes === k)).filter((share) => share.length);
  const parts = shares.map((_, k) => join(outDir, `part-${k + 1}.json`));
  for (const part of parts) if (!resume || !existsSync(part)) await writeCvResults(part, results);
  const outcomes = await Promise.all(
    shares.map((share, k) => {
      const folds = share.map((f) => f + 1).join(',');
      const args = [...common, '--only-folds', folds, '--json', parts[k], '--resume'];
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'cv', ...args], {
        env: { ...process.env, COVID_CT_CPU_THREADS: threads },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      createInterface({ input: child.stderr }).on('line', (line) => console.error(`[process ${k + 1}, folds ${folds}] ${line}`));
      return new Promise<string | null>((done) => {
        child.on('error', (err) => done(`process ${k + 1} (folds ${folds}) did not start: ${err.message}`));
        child.on('close', (code) => done(code === 0 ? null : `process ${k + 1} (folds ${folds}) exited with code ${code}`));
      });
    }),
  );
  const failed = outcomes.filter((outcome) => outcome !== null);
  if (failed.length) throw new Error(`${failed.join('; ')}: its messages are above; the folds it finished are kept, and --resume goes on from there`);
}

/** The command line without the flags `names`, as parseArgs reads it (--flag value, --flag=value). */
export function withoutFlags(argv: readonly string[], options: ParseArgsConfig['options'], names: readonly string[]): string[] {
  const dropped = new Set<number>();
  const { tokens } = parseArgs({ args: [...argv], options, tokens: true });
  for (const token of tokens as { kind: string; index: number; name?: string; value?: string; inlineValue?: boolean }[]) {
    if (token.kind !== 'option' || !names.includes(token.name!)) continue;
    dropped.add(token.index);
    if (token.value !== undefined && !token.inlineValue) dropped.add(token.index + 1);
  }
  return argv.filter((_, i) => !dropped.has(i));
}
