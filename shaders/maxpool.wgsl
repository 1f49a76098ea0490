// Max pool (floor or ceil mode, windows clipped to the image, never reading
// padding), forward and backward, any window; maxpool-3x3s2.wgsl has the nets' own.
// One invocation per output element (forward) or per input element (backward);
// the launch may be folded into 2-D (see src/runtime/gpu/dispatch.ts).

const WG: u32 = 256u;

// total: invocations of this launch; sizes as i32 so window edges may go negative.
struct MaxPoolParams { total: u32, h: i32, w: i32, oh: i32, ow: i32, kernel: i32, stride: i32, pad: i32 };

@group(0) @binding(0) var<uniform> mp: MaxPoolParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<storage, read_write> arg: array<i32>; // window argmaxes (within the plane), [N, C, OH, OW]

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 { return g.x + g.y * nwg.x * WG; }

// Bit test: compilers may assume `v != v` is false, an integer compare they may not.
fn is_nan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }

// Index (within the plane) of the first maximum of window (oy, ox), scanning the
// window row-major over in-image positions only. The first NaN wins and stays.
fn window_argmax(plane: u32, oy: i32, ox: i32) -> i32 {
  let y0 = oy * mp.stride - mp.pad;
  let x0 = ox * mp.stride - mp.pad;
  let ylo = max(y0, 0);
  let xlo = max(x0, 0);
  let yhi = min(y0 + mp.kernel, mp.h);
  let xhi = min(x0 + mp.kernel, mp.w);
  var best_at = ylo * mp.w + xlo;
  var best = x[plane + u32(best_at)];
  for (var iy = ylo; iy < yhi; iy++) {
    for (var ix = xlo; ix < xhi; ix++) {
      if (is_nan(best)) { return best_at; }
      let at = iy * mp.w + ix;
      let v = x[plane + u32(at)];
      if (v > best || is_nan(v)) {
        best = v;
        best_at = at;
      }
    }
  }
  return best_at;
}

@compute @workgroup_size(WG)
fn maxpool_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let ow = u32(mp.ow);
  let oh = u32(mp.oh);
  let ox = i32(i % ow);
  let oy = i32((i / ow) % oh);
  let nc = i / (ow * oh);
  let plane = nc * u32(mp.h * mp.w);
  y[i] = x[plane + u32(window_argmax(plane, oy, ox))];
}

// Backward, first pass: each window's argmax, once (as maxpool_fwd scans).
@compute @workgroup_size(WG)
fn maxpool_argmax(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let ox = i32(i % u32(mp.ow));
  let oy = i32((i / u32(mp.ow)) % u32(mp.oh));
  arg[i] = window_argmax(i / u32(mp.ow * mp.oh) * u32(mp.h * mp.w), oy, ox);
}

// Second pass, gather form: each input element sums dy over the windows that contain it and
// whose argmax it is. Window oy covers rows oy*s-p .. oy*s-p+k-1.
@compute @workgroup_size(WG)
fn maxpool_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= mp.total) { return; }
  let ix = i32(i % u32(mp.w));
  let iy = i32((i / u32(mp.w)) % u32(mp.h));
  let out_plane = i / u32(mp.w * mp.h) * u32(mp.oh * mp.ow);
  let at = iy * mp.w + ix;
  // Windows oy with oy*s-p <= iy < oy*s-p+k, i.e. (iy+p-k+1)/s <= oy <= (iy+p)/s.
  let oy_lo = max(0, ceil_div_nonneg(iy + mp.pad - mp.kernel + 1, mp.stride));
  let oy_hi = min(mp.oh - 1, (iy + mp.pad) / mp.stride);
  let ox_lo = max(0, ceil_div_nonneg(ix + mp.pad - mp.kernel + 1, mp.stride));
  let ox_hi = min(mp.ow - 1, (ix + mp.pad) / mp.stride);
  var sum = 0.0;
  for (var oy = oy_lo; oy <= oy_hi; oy++) {
    for (var ox = ox_lo; ox <= ox_hi; ox++) {
      let o = out_plane + u32(oy * mp.ow + ox);
      if (arg[o] == at) { sum += dy[o]; }
    }
  }
  dx[i] = sum;
}

// ceil(a / b) for b > 0, returning 0 when a <= 0 (callers clamp at 0 anyway).
fn ceil_div_nonneg(a: i32, b: i32) -> i32 { return select((a + b - 1) / b, 0, a <= 0); }
