// Fully connected layer y[N,M] = x[N,K]·w[M,K]ᵀ + b[M] (the light-cnn's 320→2
// classifier) and its backward. One invocation per output element, each a dot
// product over the contracted axis; the layer is tiny, so no tiling.

const WG: u32 = 64u;

struct Dims { n: u32, k: u32, m: u32 };

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return g.x + g.y * nwg.x * WG;
}

// y[n,m] = b[m] + Σ_k x[n,k]·w[m,k]
@compute @workgroup_size(WG)
fn dense_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.n * dims.m) { return; }
  let n = i / dims.m;
  let m = i % dims.m;
  var sum = b[m];
  for (var k = 0u; k < dims.k; k++) {
    sum += x[n * dims.k + k] * w[m * dims.k + k];
  }
  y[i] = sum;
}

// dx[n,k] = Σ_m dy[n,m]·w[m,k]
@compute @workgroup_size(WG)
fn dense_bwd_x(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.n * dims.k) { return; }
  let n = i / dims.k;
  let k = i % dims.k;
  var sum = 0.0;
  for (var m = 0u; m < dims.m; m++) {
    sum += dy[n * dims.m + m] * w[m * dims.k + k];
  }
  y[i] = sum;
}

// dw[m,k] = Σ_n dy[n,m]·x[n,k]
@compute @workgroup_size(WG)
fn dense_bwd_w(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.m * dims.k) { return; }
  let m = i / dims.k;
  let k = i % dims.k;
  var sum = 0.0;
  for (var n = 0u; n < dims.n; n++) {
    sum += dy[n * dims.m + m] * x[n * dims.k + k];
  }
  y[i] = sum;
}

// db[m] = Σ_n dy[n,m]
@compute @workgroup_size(WG)
fn dense_bwd_b(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let m = linear(g, nwg);
  if (m >= dims.m) { return; }
  var sum = 0.0;
  for (var n = 0u; n < dims.n; n++) {
    sum += dy[n * dims.m + m];
  }
  y[m] = sum;
}
