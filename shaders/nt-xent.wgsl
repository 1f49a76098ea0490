// NT-Xent, the contrastive loss of SimCLR (Chen et al. 2020), over projections z [N,D]: rows i
// and (i + N/2) mod N are two views of one image. With u = z/|z| and s_ij = u_i·u_j/τ,
//   loss = (1/N) Σ_i [log Σ_{j≠i} exp(s_ij) − s_i,pos(i)],
//   probs[i,j] = softmax over j ≠ i of s_ij (probs[i,i] = 0).
// Backward, with A_ij = dloss/N·(probs[i,j] − [j = pos(i)]):
//   du_i = Σ_j (A_ij + A_ji)·u_j/τ,  dz_i = (du_i − u_i·(u_i·du_i))/|z_i|,
// where u_i·du_i = Σ_j (A_ij + A_ji)·s_ij.
//
// Entries: ntxent_normalise (u and |z|), ntxent_rows (probs and row losses), ntxent_total,
// ntxent_row_dots (u_i·du_i, for backward), ntxent_bwd.

const WG: u32 = 64u;

struct Dims { n: u32, d: u32, temperature: f32 };

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> dloss: array<f32>;
@group(0) @binding(3) var<storage, read_write> unit: array<f32>;
@group(0) @binding(4) var<storage, read_write> norms: array<f32>;
@group(0) @binding(5) var<storage, read_write> probs: array<f32>;
@group(0) @binding(6) var<storage, read_write> rows: array<f32>;
@group(0) @binding(7) var<storage, read_write> loss: array<f32>;
@group(0) @binding(8) var<storage, read_write> dots: array<f32>;
@group(0) @binding(9) var<storage, read_write> dz: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return g.x + g.y * nwg.x * WG;
}

fn positive(i: u32) -> u32 {
  return (i + dims.n / 2u) % dims.n;
}

fn similarity(i: u32, j: u32) -> f32 {
  var s = 0.0;
  for (var k = 0u; k < dims.d; k++) { s += unit[i * dims.d + k] * unit[j * dims.d + k]; }
  return s / dims.temperature;
}

// dloss/ds_ij without the 1/N: probs[i,j] − [j = pos(i)].
fn pull(i: u32, j: u32) -> f32 {
  return probs[i * dims.n + j] - select(0.0, 1.0, j == positive(i));
}

@compute @workgroup_size(WG)
fn ntxent_normalise(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.n) { return; }
  var sq = 0.0;
  for (var k = 0u; k < dims.d; k++) { sq += z[i * dims.d + k] * z[i * dims.d + k]; }
  let norm = max(sqrt(sq), 1e-12);
  norms[i] = norm;
  for (var k = 0u; k < dims.d; k++) { unit[i * dims.d + k] = z[i * dims.d + k] / norm; }
}

// One invocation per row; s ≤ 1/τ, and the row max is subtracted all the same.
@compute @workgroup_size(WG)
fn ntxent_rows(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.n) { return; }
  var top = -3.4e38;
  for (var j = 0u; j < dims.n; j++) {
    if (j != i) { top = max(top, similarity(i, j)); }
  }
  var sum = 0.0;
  for (var j = 0u; j < dims.n; j++) {
    if (j != i) { sum += exp(similarity(i, j) - top); }
  }
  for (var j = 0u; j < dims.n; j++) {
    probs[i * dims.n + j] = select(exp(similarity(i, j) - top) / sum, 0.0, j == i);
  }
  rows[i] = log(sum) - (similarity(i, positive(i)) - top);
}

@compute @workgroup_size(WG)
fn ntxent_total(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  if (linear(g, nwg) >= 1u) { return; }
  var sum = 0.0;
  for (var i = 0u; i < dims.n; i++) { sum += rows[i]; }
  loss[0] = sum / f32(dims.n);
}

@compute @workgroup_size(WG)
fn ntxent_row_dots(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.n) { return; }
  var c = 0.0;
  for (var j = 0u; j < dims.n; j++) {
    if (j != i) { c += (pull(i, j) + pull(j, i)) * similarity(i, j); }
  }
  dots[i] = c * dloss[0] / f32(dims.n);
}

@compute @workgroup_size(WG)
fn ntxent_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = linear(g, nwg);
  if (e >= dims.n * dims.d) { return; }
  let i = e / dims.d;
  let k = e % dims.d;
  var du = 0.0;
  for (var j = 0u; j < dims.n; j++) {
    if (j != i) { du += (pull(i, j) + pull(j, i)) * unit[j * dims.d + k]; }
  }
  du *= dloss[0] / (f32(dims.n) * dims.temperature);
  dz[e] = (du - unit[e] * dots[i]) / norms[i];
}
