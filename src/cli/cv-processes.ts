import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultThreads } from '../runtime/cpu/worker-pool.ts';

/** Flags of the parent's command line that each child gets its own value of, or none. */
const OWN_FLAGS = ['--processes', '--resume', '--json', '--only-folds'];

/**
 * Trains the pending folds (0-based) of a `cv` command line in `processes` child `cv --only-folds`
 * processes at once, dealt round-robin, each with its own results file (OUT-DIR/part-K.json, resumed
 * when `resume` and it exists) and an equal share of the CPU threads (COVID_CT_CPU_THREADS, unless set).
 * The children's progress goes to stderr, each line prefixed; rejects naming every child that failed.
 */
export async function trainFoldsInProcesses(argv: readonly string[], pending: readonly number[], processes: number, outDir: string, resume: boolean): Promise<void> {
  const common = withoutOwnFlags(argv);
  const threads = process.env.COVID_CT_CPU_THREADS ?? String(Math.max(1, Math.floor(defaultThreads() / processes)));
  const shares = Array.from({ length: processes }, (_, k) => pending.filter((_, i) => i % processes === k)).filter((share) => share.length);
  const outcomes = await Promise.all(
    shares.map((share, k) => {
      const folds = share.map((f) => f + 1).join(',');
      const part = join(outDir, `part-${k + 1}.json`);
      const args = [...common, '--only-folds', folds, '--json', part, ...(resume && existsSync(part) ? ['--resume'] : [])];
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

/** The command line without the flags each child sets itself, in either form (--flag value, --flag=value). */
function withoutOwnFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s);
    if (!OWN_FLAGS.includes(name)) out.push(argv[i]);
    else if (inline === undefined && name !== '--resume') i++;
  }
  return out;
}
