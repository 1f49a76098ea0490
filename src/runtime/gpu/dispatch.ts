/**
 * Workgroup counts. A 1-D launch of `threads` invocations is folded into x and y
 * when it exceeds the per-dimension limit; kernels then recover the linear index
 * as gid.x + gid.y * (num_workgroups.x * workgroup_size.x) and return when it is
 * past the end.
 */
export type Grid = { threads: number } | { groups: readonly [number, number, number] };

export function workgroupCounts(entry: string, grid: Grid, workgroupSize: readonly number[], maxPerDim: number): [number, number, number] {
  if ('groups' in grid) {
    const [x, y, z] = grid.groups;
    for (const g of grid.groups) {
      if (!Number.isInteger(g) || g < 0) throw new Error(`${entry}: workgroup count ${g} is not a non-negative integer`);
      if (g > maxPerDim) throw new Error(`${entry}: ${x}×${y}×${z} workgroups exceed the device limit of ${maxPerDim} per dimension`);
    }
    return [x, y, z];
  }
  const groups = Math.ceil(grid.threads / workgroupSize[0]);
  if (groups <= maxPerDim) return [groups, 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  if (y > maxPerDim) throw new Error(`${entry}: ${grid.threads} threads need more than ${maxPerDim}² workgroups`);
  return [Math.ceil(groups / y), y, 1];
}
