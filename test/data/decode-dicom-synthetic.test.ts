import { describe, expect, it } from 'vitest';
import { decodeDicom } from '../../src/train/data/dicom/decode-dicom.ts';
import { catchDecodeError } from './catch-error.ts';
import { concat, encapsulatedPixelData, encodeDataSet, encodeElement, partTen, text, us, words, type Element } from './dicom-writer.ts';

const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const RLE = '1.2.840.10008.1.2.5';
const lung = (hu: number) => Math.min(Math.max((hu + 1350) / 1500, 0), 1);

function imageModule(columns: number, rows: number, bits: { allocated: number; stored: number; signed: boolean }): Element[] {
  return [
    us(0x00280002, 1),
    text(0x00280004, 'CS', 'MONOCHROME2'),
    us(0x00280010, rows),
    us(0x00280011, columns),
    us(0x00280100, bits.allocated),
    us(0x00280101, bits.stored),
    us(0x00280102, bits.stored - 1),
    us(0x00280103, bits.signed ? 1 : 0),
  ];
}

/** A sequence of undefined length holding one item of undefined length with one element. */
function undefinedLengthSequence(explicit: boolean): Uint8Array {
  const empty = new Uint8Array();
  return concat([
    encodeElement({ tag: 0x00081140, vr: 'SQ', value: empty }, explicit, 0xffffffff),
    encodeElement({ tag: 0xfffee000, vr: '', value: empty }, explicit, 0xffffffff),
    encodeElement(text(0x00081150, 'UI', '1.2.3'), explicit),
    encodeElement({ tag: 0xfffee00d, vr: '', value: empty }, explicit),
    encodeElement({ tag: 0xfffee0dd, vr: '', value: empty }, explicit),
  ]);
}

describe('decodeDicom on synthesized files', () => {
  it('Implicit VR: 12 of 16 bits stored, signed, slope and intercept, a sequence skipped', () => {
    const stored = [-2048, -1, 0, 100, 500, 2047];
    // The 4 bits above BitsStored hold junk that must be masked off.
    const raw = stored.map((v) => 0xf000 | (v & 0x0fff));
    const dataSet = concat([
      undefinedLengthSequence(false),
      encodeDataSet([...imageModule(3, 2, { allocated: 16, stored: 12, signed: true }), text(0x00281052, 'DS', '-1000'), text(0x00281053, 'DS', '2'), words(0x7fe00010, raw)], false),
    ]);
    const image = decodeDicom(partTen(IMPLICIT, dataSet), 'implicit.dcm');
    expect([image.width, image.height]).toEqual([3, 2]);
    Array.from(image.data).forEach((value, i) => expect(value).toBeCloseTo(lung(2 * stored[i] - 1000), 6));
  });

  it('bare explicit data set: 8-bit unsigned MONOCHROME1 is inverted', () => {
    const elements = [
      text(0x00080060, 'CS', 'CT'),
      ...imageModule(2, 1, { allocated: 8, stored: 8, signed: false }),
      text(0x00280004, 'CS', 'MONOCHROME1'),
      text(0x00281052, 'DS', '-1350'),
      { tag: 0x7fe00010, vr: 'OB', value: new Uint8Array([0, 255]) },
    ];
    const image = decodeDicom(concat([encodeDataSet(elements.slice(0, 1), true), undefinedLengthSequence(true), encodeDataSet(elements.slice(1), true)]), 'bare.dcm');
    expect(image.data[0]).toBe(1);
    expect(image.data[1]).toBeCloseTo(1 - lung(255 - 1350), 6);
  });

  it('multi-frame: only the first frame is read', () => {
    const elements = [...imageModule(2, 2, { allocated: 16, stored: 16, signed: false }), text(0x00280008, 'IS', '2'), words(0x7fe00010, [0, 300, 600, 900, 9, 9, 9, 9])];
    const image = decodeDicom(partTen(EXPLICIT, encodeDataSet(elements, true)), 'frames.dcm');
    expect([image.width, image.height]).toEqual([2, 2]);
    Array.from(image.data).forEach((value, i) => expect(value).toBeCloseTo(lung([0, 300, 600, 900][i]), 6));
  });

  // 4 × 2 signed 16-bit pixels -1024 ×4, 0, 1, 256, 300: high bytes FC FC FC FC 00 00 01 01, low bytes 00 ×5, 01, 00, 2C.
  const values = [-1024, -1024, -1024, -1024, 0, 1, 256, 300];
  const rleHeader = new Uint8Array(64);
  new DataView(rleHeader.buffer).setUint32(0, 2, true);
  new DataView(rleHeader.buffer).setUint32(4, 64, true);
  new DataView(rleHeader.buffer).setUint32(8, 72, true);
  // Replicate FC four times, a no-op (-128), then four literal bytes; then replicate 00 five times and three literals (+1 pad byte).
  const highSegment = [0xfd, 0xfc, 0x80, 0x03, 0x00, 0x00, 0x01, 0x01];
  const lowSegment = [0xfc, 0x00, 0x02, 0x01, 0x00, 0x2c, 0x00];
  const rleFile = (header: Uint8Array, [columns, rows] = [4, 2]) => {
    const fragment = concat([header, Uint8Array.from([...highSegment, ...lowSegment])]);
    const elements = encodeDataSet(imageModule(columns, rows, { allocated: 16, stored: 16, signed: true }), true);
    return partTen(RLE, concat([elements, encapsulatedPixelData([fragment])]));
  };

  it('RLE Lossless decodes replicate, literal and no-op packets to the native pixels', () => {
    const rle = decodeDicom(rleFile(rleHeader), 'rle.dcm');
    const native = decodeDicom(
      partTen(EXPLICIT, encodeDataSet([...imageModule(4, 2, { allocated: 16, stored: 16, signed: true }), words(0x7fe00010, values)], true)),
      'native.dcm',
    );
    expect(Array.from(rle.data)).toEqual(Array.from(native.data));
    Array.from(rle.data).forEach((value, i) => expect(value).toBeCloseTo(lung(values[i]), 6));
  });

  it('RLE with the wrong number of segments is corrupt', async () => {
    const oneSegment = Uint8Array.from(rleHeader);
    oneSegment[0] = 1;
    const error = await catchDecodeError(() => decodeDicom(rleFile(oneSegment), 'rle.dcm'));
    expect(error.message).toBe('corrupt DICOM RLE data: 1 segments, expected 2 (one per byte of a pixel) in rle.dcm');
  });

  it('RLE whose segment decodes short is corrupt', async () => {
    const late = Uint8Array.from(rleHeader);
    late[8] = 70; // the high segment now ends two bytes early, inside its literal run
    const error = await catchDecodeError(() => decodeDicom(rleFile(late), 'rle.dcm'));
    expect(error.reason).toBe('corrupt DICOM RLE data: segment 0 decodes to 6 bytes, expected 8');
  });

  it('RLE whose segment holds more than Rows × Columns pixels is corrupt, not cut to fit', async () => {
    const error = await catchDecodeError(() => decodeDicom(rleFile(rleHeader, [4, 1]), 'rle.dcm'));
    expect(error.reason).toBe('corrupt DICOM RLE data: segment 0 has 6 code bytes left after its 4 pixels');
  });

  it('RLE declaring more pixels than its frame could encode is refused before they are allocated', async () => {
    const error = await catchDecodeError(() => decodeDicom(rleFile(rleHeader, [4000, 4000]), 'rle.dcm'));
    expect(error.reason).toBe('corrupt DICOM RLE data: a frame of 79 bytes cannot hold 16000000 pixels of 2 bytes');
  });
});

describe('decodeDicom errors on synthesized files', () => {
  const image = [...imageModule(1, 1, { allocated: 16, stored: 16, signed: false }), words(0x7fe00010, [0])];

  it.each([
    ['1.2.840.10008.1.2.2', 'unsupported DICOM transfer syntax 1.2.840.10008.1.2.2 (Explicit VR Big Endian)'],
    ['1.2.3.4', 'unsupported DICOM transfer syntax 1.2.3.4 (not a transfer syntax we know)'],
  ])('transfer syntax %s', async (uid, reason) => {
    const error = await catchDecodeError(() => decodeDicom(partTen(uid, encodeDataSet(image, true)), 'x.dcm'));
    expect(error.reason).toBe(reason);
  });

  it('no Pixel Data is not an image', async () => {
    const error = await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, encodeDataSet(image.slice(0, -1), true)), 'x.dcm'));
    expect(error.reason).toBe('not an image: DICOM data set has no Pixel Data (7FE0,0010)');
  });

  it('encapsulated Pixel Data under a native transfer syntax is corrupt, not missing', async () => {
    const mislabelled = concat([encodeDataSet(image.slice(0, -1), true), encapsulatedPixelData([new Uint8Array(4)])]);
    const error = await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, mislabelled), 'x.dcm'));
    expect(error.reason).toBe(`corrupt DICOM: Pixel Data is encapsulated (compressed), but the transfer syntax ${EXPLICIT} is a native one`);
  });

  it('no Rows is not an image', async () => {
    const error = await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, encodeDataSet(image.filter((e) => e.tag !== 0x00280010), true)), 'x.dcm'));
    expect(error.reason).toBe('not an image: DICOM data set lacks (0028,0010)');
  });

  it('Pixel Data shorter than one frame is truncated', async () => {
    const short = [...image.slice(0, -1).filter((e) => e.tag !== 0x00280010), us(0x00280010, 2)];
    const error = await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, encodeDataSet([...short, words(0x7fe00010, [0])], true)), 'x.dcm'));
    expect(error.reason).toBe('truncated DICOM: Pixel Data holds 2 bytes, one frame needs 4');
  });

  it('Pixel Data longer than its frames is corrupt: Rows and Columns do not describe it', async () => {
    const twoPixels = [...image.slice(0, -1), words(0x7fe00010, [0, 1])];
    const error = await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, encodeDataSet(twoPixels, true)), 'x.dcm'));
    expect(error.reason).toBe('corrupt DICOM: Pixel Data holds 4 bytes, 1 frame(s) of Rows × Columns × BitsAllocated need 2');
  });

  it('an image past the pixel limit is refused before it is allocated', async () => {
    const huge = [...image.slice(0, -1).filter((e) => e.tag !== 0x00280010 && e.tag !== 0x00280011), us(0x00280010, 20000), us(0x00280011, 20000), words(0x7fe00010, [0])];
    const error = await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, encodeDataSet(huge, true)), 'x.dcm'));
    expect(error.reason).toBe('unsupported DICOM image: 20000 × 20000 pixels, more than the 100 million read');
  });

  it('sequences nested past any real file are corrupt, not a stack overflow', async () => {
    const open = (tag: number) => concat([
      encodeElement({ tag, vr: 'SQ', value: new Uint8Array() }, true, 0xffffffff),
      encodeElement({ tag: 0xfffee000, vr: '', value: new Uint8Array() }, true, 0xffffffff),
    ]);
    const nested = concat(Array.from({ length: 100 }, () => open(0x00081140)));
    const error = await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, concat([nested, encodeDataSet(image, true)])), 'x.dcm'));
    expect(error.reason).toMatch(/^corrupt DICOM: sequences nested more than 64 deep at byte \d+$/);
  });

  it.each([
    ['an MR image, whose values are no Hounsfield units', [text(0x00080060, 'CS', 'MR')], [], 'unsupported DICOM image: Modality MR (CT slices are read: their values are Hounsfield units, which the lung window needs)'],
    ['a rescale to other units', [], [text(0x00281054, 'LO', 'US')], 'unsupported DICOM image: RescaleType US (Hounsfield units are windowed)'],
    ['enhanced CT without a top-level rescale', [text(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.2.1')], [], 'unsupported DICOM image: enhanced multi-frame CT (its rescale to Hounsfield units sits in functional groups, which are not read)'],
    ['a rescale slope of 0', [], [text(0x00281053, 'DS', '0')], 'corrupt DICOM: RescaleSlope 0 makes every pixel the same'],
  ] as const)('%s is refused (it was windowed as if in Hounsfield units)', async (_, before, rescale, reason) => {
    const elements = [...before, ...image.slice(0, -1), ...rescale, image.at(-1)!];
    expect((await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, encodeDataSet(elements, true)), 'x.dcm'))).reason).toBe(reason);
  });

  it('a string value of megabytes is read, not spread onto the call stack', async () => {
    const long = [...image.slice(0, 1), text(0x00280004, 'UT', 'A'.repeat(2_000_000)), ...image.slice(2)];
    expect((await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, encodeDataSet(long, true)), 'x.dcm'))).reason).toBe(`unsupported DICOM image: PhotometricInterpretation ${'A'.repeat(64)}`);
  });

  it('colour DICOM is unsupported', async () => {
    const rgb = [us(0x00280002, 3), ...image.slice(1)];
    const error = await catchDecodeError(() => decodeDicom(partTen(EXPLICIT, encodeDataSet(rgb, true)), 'x.dcm'));
    expect(error.reason).toBe('unsupported DICOM image: SamplesPerPixel 3 (only single-sample CT slices are read)');
  });
});
