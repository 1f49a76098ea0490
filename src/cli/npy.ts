/**
 * Reads NumPy .npy files (format versions 1–3) holding little-endian float32 or
 * float64 arrays in C order; float64 is converted to float32.
 */
export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  const fail = (reason: string) => new Error(`${source}: ${reason}`);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw fail('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [headerLength, headerStart] = major === 1 ? [view.getUint16(8, true), 10] : [view.getUint32(8, true), 12];
  if (headerStart + headerLength > bytes.length) throw fail('truncated .npy header');
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw fail(`unreadable .npy header: ${header.trim()}`);
  if (fortran === 'True') throw fail('Fortran-ordered arrays are not supported; save with np.ascontiguousarray');
  if (descr !== '<f4' && descr !== '<f8') throw fail(`dtype ${descr} is not supported; use float32 ('<f4') or float64`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const itemSize = descr === '<f4' ? 4 : 8;
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart < count * itemSize) throw fail(`truncated: shape (${shape.join(', ')}) needs ${count * itemSize} bytes of data, the file has ${bytes.length - dataStart}`);
  // A copy (Node's Buffer.slice would share memory): aligned, and only this array's bytes.
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + count * itemSize)).buffer;
  const data = itemSize === 4 ? new Float32Array(raw) : Float32Array.from(new Float64Array(raw));
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw fail(`holds ${data[bad]} at index ${bad}; the net needs finite values`);
  return { shape, data };
}
