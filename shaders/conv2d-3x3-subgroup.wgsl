// The 3×3 stride-1 kernels of conv2d-3x3.wgsl (appended to it, after `enable subgroups;`) with
// their weight loads shared by the 4 lanes of a subgroup. SwiftShader runs 4 invocations as the
// lanes of one SIMD program and gathers every load lane by lane, and the lanes of a tile row need
// the same 24 weights (8 channels × 3 taps) for each summed channel and kernel row: here each
// lane loads the 3 taps of 2 of them and takes the others' from its neighbours by
// subgroupBroadcast. The tiles of each (image, channel octet) are padded to a multiple of 4, so
// that 4 consecutive invocations, a subgroup where subgroup-probe.wgsl found them so, share their
// channels; the padding lanes compute a copy of the group's last tile and store nothing.

// v of lanes 0..3.
fn lanes(v: f32) -> vec4<f32> {
  return vec4<f32>(subgroupBroadcast(v, 0u), subgroupBroadcast(v, 1u), subgroupBroadcast(v, 2u), subgroupBroadcast(v, 3u));
}

// Columns: the 3 taps kx; rows: 4 produced channels, the lane's own (wr[lane]) loaded, the rest broadcast.
fn taps_shared(wr: vec4<i32>, k: i32, lane: u32) -> mat3x4<f32> {
  let i = wr[lane] + k;
  return mat3x4<f32>(lanes(wt[i]), lanes(wt[i + cv.skx]), lanes(wt[i + 2 * cv.skx]));
}

// add_row with shared weight loads: the same products in the same order.
fn add_row_shared(q: i32, ky: i32, x: array<mat4x3<f32>, 4>, wr0: vec4<i32>, wr1: vec4<i32>, lane: u32, a: ptr<function, array<mat4x4<f32>, 8>>) {
  let k = q * cv.sq + ky * cv.sky;
  let w0 = taps_shared(wr0, k, lane);
  let w1 = taps_shared(wr1, k, lane);
  (*a)[0] += w0 * x[0]; (*a)[1] += w0 * x[1]; (*a)[2] += w0 * x[2]; (*a)[3] += w0 * x[3];
  (*a)[4] += w1 * x[0]; (*a)[5] += w1 * x[1]; (*a)[6] += w1 * x[2]; (*a)[7] += w1 * x[3];
}

fn conv_tile_shared(t: Tile, lane: u32) -> array<mat4x4<f32>, 8> {
  let wr = channel_rows(t);
  var a: array<mat4x4<f32>, 8>;
  for (var q = 0; q < cv.q; q++) {
    add_row_shared(q, 0, windows(t, q, 0), wr[0], wr[1], lane, &a);
    add_row_shared(q, 1, windows(t, q, 1), wr[0], wr[1], lane, &a);
    add_row_shared(q, 2, windows(t, q, 2), wr[0], wr[1], lane, &a);
  }
  return a;
}

// Invocation i's tile when each (image, channel octet) has its tiles padded to a multiple of 4;
// `real` is false for the padding and past the end (cv.tiles counts the padded invocations).
struct PaddedTile { t: Tile, real: bool };

fn padded_tile(i: i32) -> PaddedTile {
  let per = (cv.ow + 15) / 16 * cv.oh;
  let padded = (per + 3) / 4 * 4;
  let local = i % padded;
  return PaddedTile(tile_of(i / padded * per + min(local, per - 1)), local < per && i < cv.tiles);
}

@compute @workgroup_size(WG)
fn conv2d_fwd_3x3_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let p = padded_tile(linear(gid, nwg));
  let acc = conv_tile_shared(p.t, lane);
  if (p.real) { store_tile(p.t, acc, array(bias4(p.t.r0), bias4(p.t.r0 + 4))); }
}
@compute @workgroup_size(WG)
fn conv2d_bwd_input_3x3_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let p = padded_tile(linear(gid, nwg));
  let acc = conv_tile_shared(p.t, lane);
  if (p.real) { store_tile(p.t, acc, array(vec4<f32>(), vec4<f32>())); }
}
