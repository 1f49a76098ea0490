// Element-wise ops: ELU, ReLU, add (bypass), dropout. One invocation per element;
// the launch may be folded into 2-D (see src/runtime/gpu/dispatch.ts).

const WG: u32 = 256u;

struct Count { n: u32 };
struct EluParams { n: u32, alpha: f32 };
struct DropoutParams { n: u32, p: f32, scale: f32, seed: u32 };

@group(0) @binding(0) var<uniform> count: Count;
@group(0) @binding(0) var<uniform> elu_p: EluParams;
@group(0) @binding(0) var<uniform> drop_p: DropoutParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> y2: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return g.x + g.y * nwg.x * WG;
}

@compute @workgroup_size(WG)
fn elu_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= elu_p.n) { return; }
  let v = x[i];
  y[i] = select(elu_p.alpha * (exp(v) - 1.0), v, v > 0.0);
}

@compute @workgroup_size(WG)
fn elu_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= elu_p.n) { return; }
  let v = x[i];
  y[i] = select(dy[i] * elu_p.alpha * exp(v), dy[i], v > 0.0);
}

@compute @workgroup_size(WG)
fn relu_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= count.n) { return; }
  y[i] = max(x[i], 0.0);
}

@compute @workgroup_size(WG)
fn relu_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= count.n) { return; }
  y[i] = select(0.0, dy[i], x[i] > 0.0);
}

@compute @workgroup_size(WG)
fn add_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= count.n) { return; }
  y[i] = x[i] + b[i];
}

// The gradient of a + b reaches both operands unchanged.
@compute @workgroup_size(WG)
fn add_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= count.n) { return; }
  y[i] = dy[i];
  y2[i] = dy[i];
}

// PCG hash (O'Neill); the CPU twin computes the same bits with Math.imul.
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Writes the output and the mask (0 or 1/(1-p)) that backward multiplies by.
@compute @workgroup_size(WG)
fn dropout_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= drop_p.n) { return; }
  let u = f32(pcg(i ^ pcg(drop_p.seed)) >> 8u) * (1.0 / 16777216.0);
  let m = select(0.0, drop_p.scale, u >= drop_p.p);
  y2[i] = m;
  y[i] = x[i] * m;
}

@compute @workgroup_size(WG)
fn dropout_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= drop_p.n) { return; }
  y[i] = dy[i] * mask[i];
}
