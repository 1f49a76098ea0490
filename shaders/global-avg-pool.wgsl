// Global average pool, forward and backward; the launch may be folded into 2-D (src/runtime/gpu/dispatch.ts).

const WG: u32 = 256u;

struct AvgPoolParams { total: u32, hw: u32, inv_hw: f32 };

@group(0) @binding(0) var<uniform> ap: AvgPoolParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

// One invocation per (n, c) plane: a sum over H·W, 4 values a step. Workgroups of 16, so that the few
// planes (320 in the net) still make enough workgroups to keep every SwiftShader thread busy.
const GAP_WG: u32 = 16u;
@compute @workgroup_size(GAP_WG)
fn global_avg_pool_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = g.x + g.y * nwg.x * GAP_WG;
  if (i >= ap.total) { return; }
  let base = i * ap.hw;
  var sum = vec4<f32>();
  var j = 0u;
  for (; j + 4u <= ap.hw; j += 4u) {
    sum += vec4<f32>(x[base + j], x[base + j + 1u], x[base + j + 2u], x[base + j + 3u]);
  }
  for (; j < ap.hw; j++) { sum.x += x[base + j]; }
  y[i] = (sum.x + sum.y + sum.z + sum.w) * ap.inv_hw;
}

@compute @workgroup_size(WG)
fn global_avg_pool_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = g.x + g.y * nwg.x * WG;
  if (i >= ap.total) { return; }
  dx[i] = dy[i / ap.hw] * ap.inv_hw;
}
