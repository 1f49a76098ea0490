// The 3×3 kernels of conv2d-3x3.wgsl (appended to it and subgroup-common.wgsl, after
// `enable subgroups;`) with their weight loads shared by the 4 lanes of a subgroup, and two
// output rows per invocation.
// SwiftShader runs 4 invocations as the lanes of one SIMD program and gathers every load lane by
// lane. The lanes of a tile row need the same 24 weights (8 channels × 3 taps) for each summed
// channel and kernel row: each lane loads the taps of 2 of the channels and takes the others'
// from its neighbours by subgroupBroadcast. Two rows take 4 input rows' windows instead of 6. The
// tiles of each (image, channel octet) are padded to a multiple of 4, so that 4 consecutive
// invocations, a subgroup where subgroup-probe.wgsl found them so, share their channels; the
// padding lanes compute a copy of the group's last tile and store nothing.

// Columns: the 3 taps kx; rows: 4 produced channels, the lane's own (wr[lane]) loaded, the rest broadcast.
fn taps_shared(wr: vec4<i32>, k: i32, lane: u32) -> mat3x4<f32> {
  let i = wr[lane] + k;
  return mat3x4<f32>(lanes(wt[i]), lanes(wt[i + cv.skx]), lanes(wt[i + 2 * cv.skx]));
}

// Adds the windows x of one kernel row to the 8 accumulators from a[o] on (one output row), as add_row does.
fn add_taps(w0: mat3x4<f32>, w1: mat3x4<f32>, x: array<mat4x3<f32>, 4>, a: ptr<function, array<mat4x4<f32>, 16>>, o: i32) {
  (*a)[o] += w0 * x[0]; (*a)[o + 1] += w0 * x[1]; (*a)[o + 2] += w0 * x[2]; (*a)[o + 3] += w0 * x[3];
  (*a)[o + 4] += w1 * x[0]; (*a)[o + 5] += w1 * x[1]; (*a)[o + 6] += w1 * x[2]; (*a)[o + 7] += w1 * x[3];
}

// Kernel row k (weight offset) of both output rows: row oy from the windows `upper`, row oy + 1 from `lower`.
fn add_kernel_row(wr: array<vec4<i32>, 2>, k: i32, lane: u32, upper: array<mat4x3<f32>, 4>, lower: array<mat4x3<f32>, 4>, a: ptr<function, array<mat4x4<f32>, 16>>) {
  let w0 = taps_shared(wr[0], k, lane);
  let w1 = taps_shared(wr[1], k, lane);
  add_taps(w0, w1, upper, a, 0);
  add_taps(w0, w1, lower, a, 8);
}

// Output rows t.oy (a[0..7]) and t.oy + 1 (a[8..15]): the same products as conv_tile's, in the same order.
fn conv_rows_shared(t: Tile, lane: u32) -> array<mat4x4<f32>, 16> {
  let wr = channel_rows(t);
  var a: array<mat4x4<f32>, 16>;
  for (var q = 0; q < cv.q; q++) {
    let k = q * cv.sq;
    let x0 = windows(t, q, 0); let x1 = windows(t, q, 1); let x2 = windows(t, q, 2); let x3 = windows(t, q, 3);
    add_kernel_row(wr, k, lane, x0, x1, &a);
    add_kernel_row(wr, k + cv.sky, lane, x1, x2, &a);
    add_kernel_row(wr, k + 2 * cv.sky, lane, x2, x3, &a);
  }
  return a;
}

// The same with stride 2 (conv1): rows oy and oy + 1 take input rows 2·oy − ph + 0..2 and 2..4.
fn conv_rows_shared_s2(t: Tile, lane: u32) -> array<mat4x4<f32>, 16> {
  let wr = channel_rows(t);
  var a: array<mat4x4<f32>, 16>;
  for (var q = 0; q < cv.q; q++) {
    let k = q * cv.sq;
    let x0 = windows_s2(t, q, 0); let x1 = windows_s2(t, q, 1); let x2 = windows_s2(t, q, 2); let x3 = windows_s2(t, q, 3); let x4 = windows_s2(t, q, 4);
    add_kernel_row(wr, k, lane, x0, x2, &a);
    add_kernel_row(wr, k + cv.sky, lane, x1, x3, &a);
    add_kernel_row(wr, k + 2 * cv.sky, lane, x2, x4, &a);
  }
  return a;
}

// Invocation i's tile of two rows (16 pixels of rows oy, oy + 1) when each (image, channel octet) has
// its tiles padded to a multiple of 4; `real` is false for the padding and past the end (cv.tiles
// counts the padded invocations).
struct PaddedTile { t: Tile, real: bool };

fn padded_tile(i: i32) -> PaddedTile {
  let row_tiles = (cv.ow + 15) / 16;
  let per = row_tiles * ((cv.oh + 1) / 2);
  let padded = (per + 3) / 4 * 4;
  let local = min(i % padded, per - 1);
  let group = min(i, cv.tiles - 1) / padded; // lanes past the end take the last image, not one past it
  let r_tiles = (cv.r + 7) / 8;
  return PaddedTile(Tile(group / r_tiles, group % r_tiles * 8, local / row_tiles * 2, local % row_tiles * 16), i % padded < per && i < cv.tiles);
}

fn store_rows(p: PaddedTile, a: array<mat4x4<f32>, 16>, bias_of: array<vec4<f32>, 2>) {
  if (!p.real) { return; }
  store_tile(p.t, array(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]), bias_of);
  if (p.t.oy + 1 < cv.oh) {
    store_tile(Tile(p.t.n, p.t.r0, p.t.oy + 1, p.t.ox0), array(a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]), bias_of);
  }
}

@compute @workgroup_size(WG_SHARED)
fn conv2d_fwd_3x3_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let p = padded_tile(linear_shared(gid, nwg));
  store_rows(p, conv_rows_shared(p.t, lane), array(bias4(p.t.r0), bias4(p.t.r0 + 4)));
}
@compute @workgroup_size(WG_SHARED)
fn conv2d_fwd_3x3_s2_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let p = padded_tile(linear_shared(gid, nwg));
  store_rows(p, conv_rows_shared_s2(p.t, lane), array(bias4(p.t.r0), bias4(p.t.r0 + 4)));
}
@compute @workgroup_size(WG_SHARED)
fn conv2d_bwd_input_3x3_shared(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let p = padded_tile(linear_shared(gid, nwg));
  store_rows(p, conv_rows_shared(p.t, lane), array(vec4<f32>(), vec4<f32>()));
}
