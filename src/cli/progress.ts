/** Progress with an ETA on stderr: one rewritten line on a terminal, plain lines otherwise. */
export class Progress {
  private readonly started = performance.now();
  private done = 0;

  constructor(
    private total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Takes `steps` that will not run (an attempt that stopped early) out of the total, so the ETA counts only what is left. */
  skip(steps: number): void {
    this.total -= steps;
  }

  tick(label: string): void {
    this.done++;
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = (elapsed / this.done) * (this.total - this.done);
    const line = `[${this.done}/${this.total}] ${label} — ${elapsed.toFixed(0)} s elapsed, ETA ${eta.toFixed(0)} s`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.slice(0, (this.stream.columns || 100) - 1).padEnd((this.stream.columns || 100) - 1)}`);
      if (this.done === this.total) this.stream.write('\n');
    } else {
      this.stream.write(`${line}\n`);
    }
  }
}
