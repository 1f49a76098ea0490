/** Builds small DICOM files for tests: element encoding by hand, little endian throughout. */

export type Element = { tag: number; vr: string; value: Uint8Array };

const LONG_VRS = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

export const us = (tag: number, value: number): Element => ({ tag, vr: 'US', value: new Uint8Array([value & 0xff, value >> 8]) });

/** A text value, padded with a space (or NUL for UI) to an even length. */
export function text(tag: number, vr: string, value: string): Element {
  const padded = value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value;
  return { tag, vr, value: Uint8Array.from(padded, (c) => c.charCodeAt(0)) };
}

export function words(tag: number, values: number[]): Element {
  const bytes = new Uint8Array(values.length * 2);
  values.forEach((v, i) => bytes.set([v & 0xff, (v >> 8) & 0xff], 2 * i));
  return { tag, vr: 'OW', value: bytes };
}

export function encodeElement({ tag, vr, value }: Element, explicit: boolean, length = value.length): Uint8Array {
  const head = new DataView(new ArrayBuffer(12));
  head.setUint16(0, tag >>> 16, true);
  head.setUint16(2, tag & 0xffff, true);
  let headLength = 8;
  if (!explicit || tag >>> 16 === 0xfffe) {
    head.setUint32(4, length, true);
  } else {
    head.setUint8(4, vr.charCodeAt(0));
    head.setUint8(5, vr.charCodeAt(1));
    if (LONG_VRS.has(vr)) {
      head.setUint32(8, length, true);
      headLength = 12;
    } else {
      head.setUint16(6, length, true);
    }
  }
  return concat([new Uint8Array(head.buffer, 0, headLength), value]);
}

/** Encapsulated Pixel Data: empty offset table, one item per fragment, sequence delimiter. */
export function encapsulatedPixelData(fragments: Uint8Array[]): Uint8Array {
  const item = (bytes: Uint8Array) => encodeElement({ tag: 0xfffee000, vr: '', value: bytes }, true);
  return concat([
    encodeElement({ tag: 0x7fe00010, vr: 'OB', value: new Uint8Array() }, true, 0xffffffff),
    item(new Uint8Array()),
    ...fragments.map(item),
    encodeElement({ tag: 0xfffee0dd, vr: '', value: new Uint8Array() }, true),
  ]);
}

/** Preamble, "DICM" and a file meta group holding the transfer syntax, then the data set bytes. */
export function partTen(transferSyntax: string, dataSet: Uint8Array): Uint8Array {
  const meta = encodeElement(text(0x00020010, 'UI', transferSyntax), true);
  return concat([new Uint8Array(128), Uint8Array.from('DICM', (c) => c.charCodeAt(0)), meta, dataSet]);
}

export function encodeDataSet(elements: Element[], explicit: boolean): Uint8Array {
  return concat(elements.map((e) => encodeElement(e, explicit)));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
