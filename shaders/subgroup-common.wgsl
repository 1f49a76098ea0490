// What both subgroup kernel files (conv2d-*-subgroup.wgsl) use; the runtime puts it between the
// base kernels and the shared ones.

// Workgroups of 16: the few tiles of the small layers still make a workgroup for each of SwiftShader's threads.
const WG_SHARED: u32 = 16u;
fn linear_shared(g: vec3<u32>, nwg: vec3<u32>) -> i32 { return i32(g.x + g.y * nwg.x * WG_SHARED); }

// v of lanes 0..3.
fn lanes(v: f32) -> vec4<f32> {
  return vec4<f32>(subgroupBroadcast(v, 0u), subgroupBroadcast(v, 1u), subgroupBroadcast(v, 2u), subgroupBroadcast(v, 3u));
}
