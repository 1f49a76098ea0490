import { ImageDecodeError } from '../image.ts';
import { checkTransferSyntax, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from './transfer-syntax.ts';

export const PIXEL_DATA = 0x7fe00010;
const TRANSFER_SYNTAX_UID = 0x00020010;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const UNDEFINED_LENGTH = 0xffffffff;
const MAX_SEQUENCE_DEPTH = 64;
/** Explicit-VR value representations whose length field is 4 bytes (after 2 reserved bytes). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** The top-level elements up to and including Pixel Data, by tag (group << 16 | element). */
export interface DicomDataSet {
  transferSyntax: string;
  elements: Map<number, Uint8Array>;
  /** Encapsulated (compressed) Pixel Data: its fragments, the basic offset table left out. */
  pixelFragments?: Uint8Array[];
}

interface Header {
  tag: number;
  vr: string;
  length: number;
  at: number;
}

/**
 * Where the DICOM data starts, or -1 when the bytes are not DICOM: after the 128-byte preamble
 * and "DICM" of a Part 10 file, or at byte 0 of a bare data set that begins with the file meta
 * group (0002) or the identifying group (0008). A bare data set may also start one byte late:
 * pydicom's no_meta.dcm sample was cut from a Part 10 file one byte past its header and still
 * carries the header's last padding byte (a space), so one leading 0x20 or 0x00 is stepped over.
 */
export function dicomDataStart(bytes: Uint8Array): number {
  if (bytes.length >= 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM') return 132;
  for (const start of [0, 1]) {
    if (start === 1 && bytes[0] !== 0x20 && bytes[0] !== 0x00) break;
    const group = bytes[start] | (bytes[start + 1] << 8);
    if (bytes.length >= start + 8 && (group === 0x0002 || group === 0x0008)) return start;
  }
  return -1;
}

export function readDicomDataSet(bytes: Uint8Array, file: string): DicomDataSet {
  const reader = new ElementReader(bytes, file);
  reader.offset = dicomDataStart(bytes);
  if (reader.offset < 0) throw new ImageDecodeError(file, 'not a DICOM file (no "DICM" marker and no data set at the start)');
  let transferSyntax: string | undefined;
  while (reader.offset < bytes.length && reader.peekGroup() === 0x0002) {
    const header = reader.header(true);
    const value = reader.value(header);
    if (header.tag === TRANSFER_SYNTAX_UID) transferSyntax = dicomString(value);
  }
  // Without a file meta group the encoding is guessed: explicit VR if a valid VR follows the first tag.
  transferSyntax ??= reader.explicitVrAhead() ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
  checkTransferSyntax(transferSyntax, file);
  const explicit = transferSyntax !== IMPLICIT_VR_LITTLE_ENDIAN;
  const elements = new Map<number, Uint8Array>();
  while (reader.offset < bytes.length) {
    const header = reader.header(explicit);
    if (header.length !== UNDEFINED_LENGTH) {
      elements.set(header.tag, reader.value(header));
      // Nothing after the pixels is needed; trailing padding or signatures are not parsed.
      if (header.tag === PIXEL_DATA) break;
    } else if (header.tag === PIXEL_DATA) {
      return { transferSyntax, elements, pixelFragments: reader.fragments() };
    } else {
      reader.skipSequence(explicit && header.vr !== 'UN');
    }
  }
  return { transferSyntax, elements };
}

/** A string value without its padding (trailing spaces or NUL). */
export function dicomString(value: Uint8Array): string {
  // Decoded, not spread into fromCharCode: a value of megabytes would overflow the call stack.
  return new TextDecoder('latin1').decode(value).replace(/[\0 ]+$/, '').trim();
}

class ElementReader {
  offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  peekGroup(): number {
    this.need(2, 'a tag');
    return this.view.getUint16(this.offset, true);
  }

  explicitVrAhead(): boolean {
    const [a, b] = [this.bytes[this.offset + 4], this.bytes[this.offset + 5]];
    return a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
  }

  header(explicit: boolean): Header {
    const at = this.offset;
    this.need(8, 'an element header');
    const tag = ((this.view.getUint16(at, true) << 16) | this.view.getUint16(at + 2, true)) >>> 0;
    if (!explicit || tag >>> 16 === 0xfffe) {
      this.offset += 8;
      return { tag, vr: 'UN', length: this.view.getUint32(at + 4, true), at };
    }
    const vr = String.fromCharCode(this.bytes[at + 4], this.bytes[at + 5]);
    if (!LONG_VRS.has(vr)) {
      this.offset += 8;
      return { tag, vr, length: this.view.getUint16(at + 6, true), at };
    }
    this.need(12, 'an element header');
    this.offset += 12;
    return { tag, vr, length: this.view.getUint32(at + 8, true), at };
  }

  value(header: Header): Uint8Array {
    if (this.offset + header.length > this.bytes.length) {
      throw new ImageDecodeError(
        this.file,
        `truncated DICOM: element ${tagName(header.tag)} at byte ${header.at} declares ${header.length} bytes, only ${this.bytes.length - this.offset} left`,
      );
    }
    const value = this.bytes.subarray(this.offset, this.offset + header.length);
    this.offset += header.length;
    return value;
  }

  /** Items of encapsulated Pixel Data up to the sequence delimiter; the first is the offset table. */
  fragments(): Uint8Array[] {
    const items: Uint8Array[] = [];
    for (let header = this.header(false); header.tag !== SEQUENCE_END; header = this.header(false)) {
      if (header.tag !== ITEM) throw this.corrupt(`expected a Pixel Data item at byte ${header.at}, found ${tagName(header.tag)}`);
      items.push(this.value(header));
    }
    return items.slice(1);
  }

  /** Steps over a sequence of undefined length, nested sequences included (to a sane depth: each level is a stack frame). */
  skipSequence(explicit: boolean, depth = 1): void {
    if (depth > MAX_SEQUENCE_DEPTH) throw this.corrupt(`sequences nested more than ${MAX_SEQUENCE_DEPTH} deep at byte ${this.offset}`);
    for (let item = this.header(false); item.tag !== SEQUENCE_END; item = this.header(false)) {
      if (item.tag !== ITEM) throw this.corrupt(`expected a sequence item at byte ${item.at}, found ${tagName(item.tag)}`);
      if (item.length !== UNDEFINED_LENGTH) {
        this.value(item);
        continue;
      }
      for (let element = this.header(explicit); element.tag !== ITEM_END; element = this.header(explicit)) {
        if (element.length === UNDEFINED_LENGTH) this.skipSequence(explicit && element.vr !== 'UN', depth + 1);
        else this.value(element);
      }
    }
  }

  private need(count: number, what: string): void {
    if (this.offset + count > this.bytes.length) {
      throw new ImageDecodeError(this.file, `truncated DICOM: file ends at byte ${this.bytes.length} inside ${what}`);
    }
  }

  private corrupt(reason: string): ImageDecodeError {
    return new ImageDecodeError(this.file, `corrupt DICOM: ${reason}`);
  }
}

export function tagName(tag: number): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  return `(${hex(tag >>> 16)},${hex(tag & 0xffff)})`;
}
