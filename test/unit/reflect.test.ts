import { describe, expect, it } from 'vitest';
import { packUniforms, reflectModule } from '../../src/runtime/gpu/reflect.ts';

const wgsl = /* wgsl */ `
struct P { n: u32, alpha: f32, shift: i32 };
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64) fn scale(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= p.n) { return; }
  y[g.x] = x[g.x] * p.alpha + f32(p.shift);
}
@compute @workgroup_size(8, 4) fn fill(@builtin(global_invocation_id) g: vec3<u32>) { y[g.x] = 1.0; }
`;

describe('WGSL reflection', () => {
  const entries = reflectModule(wgsl);

  it('finds each entry point with only the bindings it uses', () => {
    expect([...entries.keys()]).toEqual(['scale', 'fill']);
    expect([...entries.get('scale')!.storage].sort()).toEqual([['x', 1], ['y', 2]]);
    expect([...entries.get('fill')!.storage]).toEqual([['y', 2]]);
    expect(entries.get('fill')!.uniform).toBeUndefined();
    expect(entries.get('fill')!.workgroupSize).toEqual([8, 4, 1]);
  });

  it('packs uniforms by name at their WGSL offsets', () => {
    const layout = entries.get('scale')!.uniform!;
    const bytes = new DataView(packUniforms('scale', layout, { n: 7, alpha: 0.5, shift: -3 }));
    expect(bytes.getUint32(0, true)).toBe(7);
    expect(bytes.getFloat32(4, true)).toBe(0.5);
    expect(bytes.getInt32(8, true)).toBe(-3);
  });

  it('refuses unknown, missing and out-of-range uniforms', () => {
    const layout = entries.get('scale')!.uniform!;
    expect(() => packUniforms('scale', layout, { n: 1, alpha: 1, shift: 0, beta: 2 })).toThrow('scale: no uniform named beta');
    expect(() => packUniforms('scale', layout, { n: 1, alpha: 1 })).toThrow('scale: uniform shift was not set');
    expect(() => packUniforms('scale', layout, { n: -1, alpha: 1, shift: 0 })).toThrow('uniform n = -1 is not a u32');
    expect(() => packUniforms('scale', layout, { n: 1, alpha: 1, shift: 0.5 })).toThrow('uniform shift = 0.5 is not an i32');
  });
});
