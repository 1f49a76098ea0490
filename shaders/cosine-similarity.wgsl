// The cosine similarity of every pair of rows of z [N,D] over τ, the logits of NT-Xent (SimCLR's
// contrastive loss, Chen et al. 2020): with u = z/|z|, s[i,j] = u_i·u_j/τ. Backward, given ds:
//   du_i = Σ_j (ds_ij + ds_ji)·u_j/τ,  dz_i = (du_i − u_i·(u_i·du_i))/|z_i|,
// where u_i·du_i = Σ_j (ds_ij + ds_ji)·s_ij.
//
// Entries: cos_normalise (u and |z|), cos_similarity; cos_row_dots (u_i·du_i), cos_bwd.

const WG: u32 = 64u;

struct Dims { n: u32, d: u32, temperature: f32 };

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> ds: array<f32>;
@group(0) @binding(3) var<storage, read_write> unit: array<f32>;
@group(0) @binding(4) var<storage, read_write> norms: array<f32>;
@group(0) @binding(5) var<storage, read_write> s: array<f32>;
@group(0) @binding(6) var<storage, read_write> dots: array<f32>;
@group(0) @binding(7) var<storage, read_write> dz: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return g.x + g.y * nwg.x * WG;
}

fn cosine(i: u32, j: u32) -> f32 {
  var c = 0.0;
  for (var k = 0u; k < dims.d; k++) { c += unit[i * dims.d + k] * unit[j * dims.d + k]; }
  return c;
}

// ds_ij + ds_ji: s_ij enters both rows' softmax.
fn both(i: u32, j: u32) -> f32 {
  return ds[i * dims.n + j] + ds[j * dims.n + i];
}

@compute @workgroup_size(WG)
fn cos_normalise(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.n) { return; }
  var sq = 0.0;
  for (var k = 0u; k < dims.d; k++) { sq += z[i * dims.d + k] * z[i * dims.d + k]; }
  let norm = max(sqrt(sq), 1e-12);
  norms[i] = norm;
  for (var k = 0u; k < dims.d; k++) { unit[i * dims.d + k] = z[i * dims.d + k] / norm; }
}

@compute @workgroup_size(WG)
fn cos_similarity(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = linear(g, nwg);
  if (e >= dims.n * dims.n) { return; }
  s[e] = cosine(e / dims.n, e % dims.n) / dims.temperature;
}

// Reads the forward's s rather than recomputing the cosines.
@compute @workgroup_size(WG)
fn cos_row_dots(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.n) { return; }
  var c = 0.0;
  for (var j = 0u; j < dims.n; j++) { c += both(i, j) * s[i * dims.n + j]; }
  dots[i] = c;
}

@compute @workgroup_size(WG)
fn cos_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = linear(g, nwg);
  if (e >= dims.n * dims.d) { return; }
  let i = e / dims.d;
  let k = e % dims.d;
  var du = 0.0;
  for (var j = 0u; j < dims.n; j++) { du += both(i, j) * unit[j * dims.d + k]; }
  dz[e] = (du / dims.temperature - unit[e] * dots[i]) / norms[i];
}
