// Channel concat of NCHW tensors. Forward copies one input into its channel slice
// of the output (one dispatch per input); backward copies that slice of dy out.
// One invocation per element of the input; the launch may be folded into 2-D.

const WG: u32 = 256u;

// total: elements of the input (N·Ck·H·W); inner: one image of it (Ck·H·W);
// outer: one image of the output (ΣC·H·W); offset: where its slice starts in
// an output image (C0·H·W, C0 = channels of the inputs before it).
struct SliceParams { total: u32, inner: u32, outer: u32, offset: u32 };

@group(0) @binding(0) var<uniform> sp: SliceParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

fn linear(g: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return g.x + g.y * nwg.x * WG;
}

fn slice_index(i: u32) -> u32 {
  return (i / sp.inner) * sp.outer + sp.offset + i % sp.inner;
}

@compute @workgroup_size(WG)
fn concat_fwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= sp.total) { return; }
  y[slice_index(i)] = x[i];
}

@compute @workgroup_size(WG)
fn concat_bwd(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear(g, nwg);
  if (i >= sp.total) { return; }
  dx[i] = dy[slice_index(i)];
}
