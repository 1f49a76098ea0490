// Softmax + weighted cross-entropy over logits [N,K], labels [N] (class indices
// stored as f32) and class weights [K], with label smoothing ε:
//   loss = Σ_n wt[label_n]·Σ_k −t_nk·log softmax(logits_n)[k] / Σ_n wt[label_n],
//   t_nk = (1 − ε)·[k = label_n] + ε/K.
// A shader cannot throw, so the host validates labels (checkLabels in
// src/runtime/ops/softmax-cross-entropy.ts); here a row whose label is not a
// class index gets weight 0: it adds nothing to the loss and gets a zero
// gradient, and it never indexes out of bounds.
//
// Entries: xent_rows (probs and per-row weighted losses), xent_total (the loss),
// xent_weight_total (Σ wt, for backward), xent_bwd.

const WG: u32 = 64u;

struct Dims { n: u32, k: u32, smoothing: f32 };

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<f32>;
@group(0) @binding(3) var<storage, read> class_weights: array<f32>;
@group(0) @binding(4) var<storage, read> dloss: array<f32>;
@group(0) @binding(5) var<storage, read_write> probs: array<f32>;
// (weight·nll, weight) per row
@group(0) @binding(6) var<storage, read_write> rows: array<f32>;
@group(0) @binding(7) var<storage, read_write> loss: array<f32>;
@group(0) @binding(8) var<storage, read_write> total: array<f32>;
@group(0) @binding(9) var<storage, read_write> dlogits: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return g.x + g.y * nwg.x * WG;
}

fn label_ok(v: f32) -> bool {
  return v >= 0.0 && v < f32(dims.k) && v == floor(v);
}

// The row's class index, 0 for an invalid label (whose weight is 0).
fn row_label(n: u32) -> u32 {
  let v = labels[n];
  return select(0u, u32(v), label_ok(v));
}

fn smoothed_target(n: u32, j: u32) -> f32 {
  return select(0.0, 1.0 - dims.smoothing, j == row_label(n)) + dims.smoothing / f32(dims.k);
}

fn row_weight(n: u32) -> f32 {
  return select(0.0, class_weights[row_label(n)], label_ok(labels[n]));
}

// One invocation per row; subtracting the row max keeps exp in range.
@compute @workgroup_size(WG)
fn xent_rows(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = linear(g, nwg);
  if (n >= dims.n) { return; }
  let row = n * dims.k;
  var top = logits[row];
  for (var j = 1u; j < dims.k; j++) { top = max(top, logits[row + j]); }
  var sum = 0.0;
  for (var j = 0u; j < dims.k; j++) { sum += exp(logits[row + j] - top); }
  for (var j = 0u; j < dims.k; j++) { probs[row + j] = exp(logits[row + j] - top) / sum; }
  // −log softmax = log Σ exp(z − max) − (z − max), without the log of a tiny probability.
  var nll = 0.0;
  for (var j = 0u; j < dims.k; j++) {
    let t = smoothed_target(n, j);
    if (t != 0.0) { nll += t * (log(sum) - (logits[row + j] - top)); }
  }
  let wt = row_weight(n);
  rows[2u * n] = wt * nll;
  rows[2u * n + 1u] = wt;
}

@compute @workgroup_size(WG)
fn xent_total(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (linear(g, nwg) >= 1u) { return; }
  var weighted = 0.0;
  var weights = 0.0;
  for (var n = 0u; n < dims.n; n++) {
    weighted += rows[2u * n];
    weights += rows[2u * n + 1u];
  }
  loss[0] = weighted / weights;
}

@compute @workgroup_size(WG)
fn xent_weight_total(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (linear(g, nwg) >= 1u) { return; }
  var weights = 0.0;
  for (var n = 0u; n < dims.n; n++) { weights += row_weight(n); }
  total[0] = weights;
}

// dlogits[n,j] = dloss·wt[label_n]·(probs[n,j] − t_nj) / Σ wt
@compute @workgroup_size(WG)
fn xent_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.n * dims.k) { return; }
  let n = i / dims.k;
  dlogits[i] = dloss[0] * row_weight(n) / total[0] * (probs[i] - smoothed_target(n, i % dims.k));
}
