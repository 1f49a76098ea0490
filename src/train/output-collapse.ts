/**
 * Watches an epoch's training outputs for a net whose output no longer depends on its input.
 * A ReLU in front of the logits (squeezenet's classifier) that outputs zero for every input
 * passes no gradient back, so nothing can revive it: every image then gets the same
 * probabilities, exactly, and the rest of the run would be wasted.
 */
export class OutputCollapse {
  private first: Float32Array | null = null;
  private rows = 0;
  private varied = false;

  /** Takes a step's probabilities, `classes` a row. */
  see(probs: Float32Array, classes: number): void {
    this.first ??= probs.slice(0, classes);
    for (let row = 0; row < probs.length / classes && !this.varied; row++) {
      this.varied = this.first.some((p, c) => probs[row * classes + c] !== p);
    }
    this.rows += probs.length / classes;
  }

  /**
   * The shared probabilities when every row seen was the same (and there were at least two),
   * else null. Saturated rows (a probability of exactly 0 or 1) do not count: the logits behind
   * them may still differ, and a loss blowing up on its way to NaN saturates first.
   */
  get collapsedTo(): Float32Array | null {
    const saturated = this.first?.some((p) => p === 0 || p === 1);
    return !this.varied && !saturated && this.rows >= 2 ? this.first : null;
  }
}
