// SGD with momentum (dampening 0) and L2 weight decay, in place, as PyTorch's SGD:
//   g = grad + weight_decay·param; velocity = momentum·velocity + g; param −= lr·velocity.
// One invocation per parameter value.

const WG: u32 = 256u;

struct Hyper { n: u32, lr: f32, momentum: f32, weight_decay: f32 };

@group(0) @binding(0) var<uniform> hyper: Hyper;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;

@compute @workgroup_size(WG)
fn sgd_step(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = g.x + g.y * nwg.x * WG;
  if (i >= hyper.n) { return; }
  let p = param[i];
  let v = hyper.momentum * velocity[i] + (grad[i] + hyper.weight_decay * p);
  velocity[i] = v;
  param[i] = p - hyper.lr * v;
}
