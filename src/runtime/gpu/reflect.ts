import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';

/** What one compute entry point needs bound, read from the WGSL itself. */
export interface EntryInfo {
  readonly entry: string;
  readonly workgroupSize: readonly [number, number, number];
  /** storage bindings by variable name → binding index */
  readonly storage: ReadonlyMap<string, number>;
  readonly uniform?: UniformLayout;
}

export interface UniformLayout {
  readonly binding: number;
  readonly size: number;
  readonly members: ReadonlyMap<string, { offset: number; type: 'f32' | 'u32' | 'i32' }>;
}

const cache = new Map<string, Map<string, EntryInfo>>();

export function reflectModule(source: string): ReadonlyMap<string, EntryInfo> {
  let entries = cache.get(source);
  if (entries) return entries;
  const reflect = new WgslReflect(source);
  entries = new Map();
  for (const fn of reflect.entry.compute) {
    const storage = new Map<string, number>();
    let uniform: UniformLayout | undefined;
    for (const res of fn.resources) {
      if (res.group !== 0) throw new Error(`${fn.name}: only @group(0) is supported, ${res.name} is in group ${res.group}`);
      if (res.resourceType === 0) uniform = uniformLayout(fn.name, res.binding, res.type);
      else storage.set(res.name, res.binding);
    }
    const wg = (fn.workgroupSize ?? [1, 1, 1]) as number[];
    entries.set(fn.name, {
      entry: fn.name,
      workgroupSize: [wg[0] ?? 1, wg[1] ?? 1, wg[2] ?? 1],
      storage,
      uniform,
    });
  }
  cache.set(source, entries);
  return entries;
}

interface ReflectedType { name: string; size: number; members?: { name: string; offset: number; type: { name: string } }[] | null }

function uniformLayout(entry: string, binding: number, type: ReflectedType): UniformLayout {
  const members = new Map<string, { offset: number; type: 'f32' | 'u32' | 'i32' }>();
  for (const m of type.members ?? []) {
    const t = m.type.name;
    if (t !== 'f32' && t !== 'u32' && t !== 'i32') {
      throw new Error(`${entry}: uniform member ${m.name} has type ${t}; only scalar f32/u32/i32 are supported`);
    }
    members.set(m.name, { offset: m.offset, type: t });
  }
  return { binding, size: Math.max(16, Math.ceil(type.size / 16) * 16), members };
}

/** Packs uniforms by member name; every member must be given, and nothing else. */
export function packUniforms(entry: string, layout: UniformLayout, values: Record<string, number>): ArrayBuffer {
  const bytes = new ArrayBuffer(layout.size);
  const view = new DataView(bytes);
  for (const name of Object.keys(values)) {
    if (!layout.members.has(name)) throw new Error(`${entry}: no uniform named ${name}`);
  }
  for (const [name, { offset, type }] of layout.members) {
    const v = values[name];
    if (v === undefined) throw new Error(`${entry}: uniform ${name} was not set`);
    if (type === 'f32') view.setFloat32(offset, v, true);
    else if (type === 'u32') {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`${entry}: uniform ${name} = ${v} is not a u32`);
      view.setUint32(offset, v, true);
    } else {
      if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new Error(`${entry}: uniform ${name} = ${v} is not an i32`);
      view.setInt32(offset, v, true);
    }
  }
  return bytes;
}
