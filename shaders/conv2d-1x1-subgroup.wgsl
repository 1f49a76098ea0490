// The 1×1 GEMM kernels of conv2d-1x1.wgsl (appended to it, after `enable subgroups;`) with their
// pixel loads shared by the 4 lanes of a subgroup. SwiftShader runs 4 invocations as the lanes of
// one SIMD program and gathers every load lane by lane. Here consecutive invocations take
// consecutive channel octets of the same 16 pixels (the runtime picks these entries only where
// the octets come in fours, so a subgroup, 4 consecutive invocations where subgroup-probe.wgsl
// found them so, always shares its pixels): for each 4 steps of the sum, each lane loads the
// 16 pixels of one step and takes the other steps' from its neighbours by subgroupBroadcast.

fn tile_of_shared(t: i32) -> Tile {
  let r_tiles = (mm.r + 7) / 8;
  let p_tiles = (mm.p + 15) / 16;
  return Tile(t / (p_tiles * r_tiles), t % r_tiles * 8, t / r_tiles % p_tiles * 16);
}

// v of lanes 0..3.
fn lanes(v: f32) -> vec4<f32> {
  return vec4<f32>(subgroupBroadcast(v, 0u), subgroupBroadcast(v, 1u), subgroupBroadcast(v, 2u), subgroupBroadcast(v, 3u));
}

// pixels(plane, p, q) with the row of step q + lane loaded by each lane.
fn pixels_shared(plane: i32, p: vec4<i32>, q: i32, lane: u32) -> mat4x4<f32> {
  let v = pixel_row(plane, p, q + i32(lane));
  return mat4x4<f32>(lanes(v.x), lanes(v.y), lanes(v.z), lanes(v.w));
}

// gemm_tile with shared pixel loads: the same products in the same order.
fn gemm_tile_shared(t: Tile, lane: u32) -> array<mat4x4<f32>, 8> {
  let last = vec4<i32>(mm.r - 1);
  let wr0 = min(vec4<i32>(t.r0) + LANES, last) * mm.sr;
  let wr1 = min(vec4<i32>(t.r0 + 4) + LANES, last) * mm.sr;
  let lp = vec4<i32>(mm.p - 1);
  let p0 = min(vec4<i32>(t.p0) + LANES, lp); let p1 = min(vec4<i32>(t.p0 + 4) + LANES, lp);
  let p2 = min(vec4<i32>(t.p0 + 8) + LANES, lp); let p3 = min(vec4<i32>(t.p0 + 12) + LANES, lp);
  let plane = (t.n * mm.sc + mm.s0) * mm.p;
  var a: array<mat4x4<f32>, 8>;
  for (var q = 0; q < mm.q; q += 4) {
    let w0 = weights(wr0, q); let w1 = weights(wr1, q);
    let x0 = pixels_shared(plane, p0, q, lane); let x1 = pixels_shared(plane, p1, q, lane);
    let x2 = pixels_shared(plane, p2, q, lane); let x3 = pixels_shared(plane, p3, q, lane);
    a[0] += w0 * x0; a[1] += w0 * x1; a[2] += w0 * x2; a[3] += w0 * x3;
    a[4] += w1 * x0; a[5] += w1 * x1; a[6] += w1 * x2; a[7] += w1 * x3;
  }
  return a;
}

// Every lane takes part in the broadcasts; those past the end (whole subgroups, as mm.tiles is
// then a multiple of 4) compute the last tile again and store nothing.
@compute @workgroup_size(WG)
fn conv2d_fwd_1x1_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let i = linear(gid, nwg);
  let t = tile_of_shared(min(i, mm.tiles - 1));
  let tile = gemm_tile_shared(t, lane);
  if (i < mm.tiles) { store_tile(t, tile, array(bias4(t.r0), bias4(t.r0 + 4))); }
}
@compute @workgroup_size(WG)
fn conv2d_bwd_input_1x1_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let i = linear(gid, nwg);
  let t = tile_of_shared(min(i, mm.tiles - 1));
  let tile = gemm_tile_shared(t, lane);
  if (i < mm.tiles) { store_tile(t, tile, array(vec4<f32>(), vec4<f32>())); }
}
@compute @workgroup_size(WG)
fn conv_transpose2d_fwd_1x1_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let i = linear(gid, nwg);
  let t = tile_of_shared(min(i, mm.tiles - 1));
  let tile = gemm_tile_shared(t, lane);
  if (i < mm.tiles) { store_scatter(t, tile); }
}
