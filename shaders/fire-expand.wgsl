// fire_expand's own passes (src/runtime/ops/fire-expand.ts). Its convolutions run the
// conv2d 1×1 and 3×3 kernels, which write and read channel slices of one [N, E1 + E3, H, W]
// tensor and apply the activation as they store, so no concat or activation pass remains.
//   fire_act_bwd    dz = dy · act′(z), from the activation's output y = act(z):
//                   ReLU: 1 where y > 0, else 0; ELU (α = 1): 1 where y > 0, else y + 1 (= exp z)
//   fire_bias_grad  db[o] = Σ_n,p dz[n, first + o, p]   one invocation per channel
// One invocation per element or channel; the launch may be folded into 2-D.

const WG: u32 = 64u;

struct ActGrad { count: u32, act: u32 };  // act: 1 ReLU, 2 ELU
struct BiasGrad { n: u32, channels: u32, first: u32, count: u32, hw: u32 };

@group(0) @binding(0) var<uniform> ag: ActGrad;
@group(0) @binding(0) var<uniform> bg: BiasGrad;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dz: array<f32>;
@group(0) @binding(4) var<storage, read_write> db: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return g.x + g.y * nwg.x * WG;
}

@compute @workgroup_size(WG)
fn fire_act_bwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(gid, nwg);
  if (i >= ag.count) { return; }
  let v = y[i];
  let d = dy[i];
  dz[i] = select(select(0.0, d * (v + 1.0), ag.act == 2u), d, v > 0.0);
}

@compute @workgroup_size(WG)
fn fire_bias_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = linear(gid, nwg);
  if (o >= bg.count) { return; }
  var sum = 0.0;
  for (var n = 0u; n < bg.n; n++) {
    let base = (n * bg.channels + bg.first + o) * bg.hw;
    for (var p = 0u; p < bg.hw; p++) { sum += dz[base + p]; }
  }
  db[o] = sum;
}
