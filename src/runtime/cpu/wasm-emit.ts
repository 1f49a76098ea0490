// A minimal writer of the WebAssembly binary format: enough for one module that owns
// a memory and exports it with a few functions whose bodies are built from the
// instructions below (i32 arithmetic, structured control, memory.copy, v128 loads, stores,
// lane shuffles, f32x4 arithmetic and comparisons). Spec: https://webassembly.github.io/spec/core/binary/

export type Bytes = number[];

export const i32 = 0x7f;
export const v128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): Bytes {
  const out: Bytes = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
const name = (s: string): Bytes => vec([...s].map((ch) => [ch.charCodeAt(0)]));
const section = (id: number, body: Bytes): Bytes => [id, ...uleb(body.length), ...body];

// Instructions. Each returns its bytes; a body is their concatenation.
export const op = {
  get: (i: number): Bytes => [0x20, ...uleb(i)],
  set: (i: number): Bytes => [0x21, ...uleb(i)],
  tee: (i: number): Bytes => [0x22, ...uleb(i)],
  const: (n: number): Bytes => [0x41, ...sleb(n)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  ltU: [0x49],
  eqz: [0x45],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number): Bytes => [0x0c, ...uleb(depth)],
  /** memory.copy of n bytes, for dst, src, n on the stack. */
  copy: [0xfc, ...uleb(10), 0x00, 0x00],
  brIf: (depth: number): Bytes => [0x0d, ...uleb(depth)],
  /** v128.load at address + offset (a 16-byte alignment hint; any address works). */
  load: (offset = 0): Bytes => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  /** v128.store at address + offset (16-byte aligned). */
  store: (offset = 0): Bytes => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  /** v128.load32_splat: one f32 at address + offset in all four lanes. */
  splat: (offset = 0): Bytes => [0xfd, ...uleb(0x09), 2, ...uleb(offset)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  /** Lanewise a < b ? b : a (for a, b on the stack): a NaN a stays. */
  f32x4Pmax: [0xfd, ...uleb(0xeb)],
  f32x4Gt: [0xfd, ...uleb(0x44)],
  f32x4Eq: [0xfd, ...uleb(0x41)],
  f32x4Ne: [0xfd, ...uleb(0x42)],
  /** Lanewise maximum, as Math.max: NaN if either is NaN, and max(−0, 0) = 0. */
  f32x4Max: [0xfd, ...uleb(0xe9)],
  v128Or: [0xfd, ...uleb(0x50)],
  /** Four 32-bit lanes of a and b on the stack: lanes 0–3 are a's, 4–7 b's. */
  shuffle32: (lanes: number[]): Bytes => [0xfd, ...uleb(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])],
  i32x4Splat: [0xfd, ...uleb(0x11)],
  i32x4Lanes: (lanes: number[]): Bytes => [0xfd, ...uleb(0x0c), ...new Uint8Array(Int32Array.from(lanes).buffer)],
  /** x in all four lanes of an f32x4. */
  f32x4Const: (x: number): Bytes => [0x43, ...new Uint8Array(Float32Array.of(x).buffer), 0xfd, ...uleb(0x13)],
  i32x4Const: (n: number): Bytes => [0x41, ...sleb(n), 0xfd, ...uleb(0x11)],
  i32x4Add: [0xfd, ...uleb(0xae)],
  i32x4Shl: [0xfd, ...uleb(0xab)],
  /** (a & mask) | (b & ~mask) for a, b, mask on the stack. */
  bitselect: [0xfd, ...uleb(0x52)],
};

export interface Func {
  name: string;
  params: number[];
  /** Types of the locals after the parameters, in index order. */
  locals: number[];
  body: Bytes;
}

/** A module with one memory of `pages` 64 KiB pages exported as "memory", and the functions exported by name (no results). */
export function wasmModule(funcs: Func[], pages: number): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]);
  const code = funcs.map((f) => {
    const runs: Bytes[] = [];
    for (let i = 0; i < f.locals.length; ) {
      let j = i;
      while (j < f.locals.length && f.locals[j] === f.locals[i]) j++;
      runs.push([...uleb(j - i), f.locals[i]]);
      i = j;
    }
    const body = [...vec(runs), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  const exports = [[...name('memory'), 0x02, 0], ...funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(code)),
  ]);
}
