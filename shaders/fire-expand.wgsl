// fire_expand's own passes (src/runtime/ops/fire-expand.ts). Its convolutions run the
// conv2d 1×1 and 3×3 kernels, which write and read channel slices of one [N, E1 + E3, H, W]
// tensor and apply the activation as they store, so no concat or activation pass remains.
//   fire_act_bwd    dz = dy · act′(z), from the activation's output y = act(z):
//                   ReLU: 1 where y > 0, else 0; ELU (α = 1): 1 where y > 0, else y + 1 (= exp z)
// One invocation per element; the launch may be folded into 2-D. (The bias gradients are
// channel-sums.wgsl's.)

const WG: u32 = 64u;

struct ActGrad { count: u32, act: u32 };  // act: 1 ReLU, 2 ELU

@group(0) @binding(0) var<uniform> ag: ActGrad;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dz: array<f32>;

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
