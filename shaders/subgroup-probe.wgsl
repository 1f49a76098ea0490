// Whether the device's subgroups are what the subgroup kernels assume (conv2d-*-subgroup.wgsl):
// 4 lanes, made of 4 consecutive invocations of a workgroup in order. Counts the invocations
// for which that does not hold; WGSL itself promises neither.
enable subgroups;

@group(0) @binding(0) var<storage, read_write> misfits: atomic<u32>;

@compute @workgroup_size(64)
fn subgroup_probe(@builtin(local_invocation_index) i: u32, @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32) {
  let first = subgroupBroadcast(i, 0u);
  if (size != 4u || lane != i % 4u || first != i - lane) {
    atomicAdd(&misfits, 1u);
  }
}
