// The 1×1 GEMM kernels of conv2d-1x1.wgsl (appended to it and subgroup-common.wgsl, after
// `enable subgroups;`) with their pixel loads shared by the 4 lanes of a subgroup, 8 channels ×
// 32 pixels per invocation.
// SwiftShader runs 4 invocations as the lanes of one SIMD program and gathers every load lane by
// lane. Here consecutive invocations take consecutive channel octets of the same 32 pixels (the
// runtime picks these entries only where the octets come in fours, so a subgroup, 4 consecutive
// invocations where subgroup-probe.wgsl found them so, always shares its pixels): for each 4
// steps of the sum, each lane loads the pixels of one step and takes the other steps' from its
// neighbours by subgroupBroadcast.

fn tile_of_shared(t: i32) -> Tile {
  let r_tiles = (mm.r + 7) / 8;
  let p_tiles = (mm.p + 31) / 32;
  return Tile(t / (p_tiles * r_tiles), t % r_tiles * 8, t / r_tiles % p_tiles * 32);
}

// The second 16 pixels of a tile: its sums are a[8..15] of gemm_tile_shared.
fn second_half(t: Tile) -> Tile { return Tile(t.n, t.r0, t.p0 + 16); }
fn half(a: array<mat4x4<f32>, 16>, h: i32) -> array<mat4x4<f32>, 8> {
  let o = 8 * h;
  return array(a[o], a[o + 1], a[o + 2], a[o + 3], a[o + 4], a[o + 5], a[o + 6], a[o + 7]);
}

// pixels(plane, p, q) with the row of step q + lane loaded by each lane.
fn pixels_shared(plane: i32, p: vec4<i32>, q: i32, lane: u32) -> mat4x4<f32> {
  let v = pixel_row(plane, p, q + i32(lane));
  return mat4x4<f32>(lanes(v.x), lanes(v.y), lanes(v.z), lanes(v.w));
}

// Pixel group g (4 pixels) of the tile, clamped to the image.
fn group(t: Tile, g: i32) -> vec4<i32> { return min(vec4<i32>(t.p0 + 4 * g) + LANES, vec4<i32>(mm.p - 1)); }

// Adds the products of the weights w0, w1 with 16 pixels' columns x to a[o..o+7], as gemm_tile does.
fn add_products(w0: mat4x4<f32>, w1: mat4x4<f32>, x: array<mat4x4<f32>, 4>, a: ptr<function, array<mat4x4<f32>, 16>>, o: i32) {
  (*a)[o] += w0 * x[0]; (*a)[o + 1] += w0 * x[1]; (*a)[o + 2] += w0 * x[2]; (*a)[o + 3] += w0 * x[3];
  (*a)[o + 4] += w1 * x[0]; (*a)[o + 5] += w1 * x[1]; (*a)[o + 6] += w1 * x[2]; (*a)[o + 7] += w1 * x[3];
}

// gemm_tile over 32 pixels with shared pixel loads: the same products in the same order.
fn gemm_tile_shared(t: Tile, lane: u32) -> array<mat4x4<f32>, 16> {
  let last = vec4<i32>(mm.r - 1);
  let wr0 = min(vec4<i32>(t.r0) + LANES, last) * mm.sr;
  let wr1 = min(vec4<i32>(t.r0 + 4) + LANES, last) * mm.sr;
  let plane = (t.n * mm.sc + mm.s0) * mm.p;
  var a: array<mat4x4<f32>, 16>;
  for (var q = 0; q < mm.q; q += 4) {
    let w0 = weights(wr0, q); let w1 = weights(wr1, q);
    add_products(w0, w1, array(pixels_shared(plane, group(t, 0), q, lane), pixels_shared(plane, group(t, 1), q, lane),
                               pixels_shared(plane, group(t, 2), q, lane), pixels_shared(plane, group(t, 3), q, lane)), &a, 0);
    add_products(w0, w1, array(pixels_shared(plane, group(t, 4), q, lane), pixels_shared(plane, group(t, 5), q, lane),
                               pixels_shared(plane, group(t, 6), q, lane), pixels_shared(plane, group(t, 7), q, lane)), &a, 8);
  }
  return a;
}

// Every lane takes part in the broadcasts; those past the end (whole subgroups, as mm.tiles is
// then a multiple of 4) compute the last tile again and store nothing.
@compute @workgroup_size(WG_SHARED)
fn conv2d_fwd_1x1_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let i = linear_shared(gid, nwg);
  let t = tile_of_shared(min(i, mm.tiles - 1));
  let tile = gemm_tile_shared(t, lane);
  if (i < mm.tiles) {
    let bias_of = array(bias4(t.r0), bias4(t.r0 + 4));
    store_tile(t, half(tile, 0), bias_of); store_tile(second_half(t), half(tile, 1), bias_of);
  }
}
@compute @workgroup_size(WG_SHARED)
fn conv2d_bwd_input_1x1_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let i = linear_shared(gid, nwg);
  let t = tile_of_shared(min(i, mm.tiles - 1));
  let tile = gemm_tile_shared(t, lane);
  if (i < mm.tiles) { store_tile(t, half(tile, 0), array(vec4<f32>(), vec4<f32>())); store_tile(second_half(t), half(tile, 1), array(vec4<f32>(), vec4<f32>())); }
}
@compute @workgroup_size(WG_SHARED)
fn conv_transpose2d_fwd_1x1_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let i = linear_shared(gid, nwg);
  let t = tile_of_shared(min(i, mm.tiles - 1));
  let tile = gemm_tile_shared(t, lane);
  if (i < mm.tiles) { store_scatter(t, half(tile, 0)); store_scatter(second_half(t), half(tile, 1)); }
}
