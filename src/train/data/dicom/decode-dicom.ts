import { ImageDecodeError, MAX_PIXELS, type GrayImage } from '../image.ts';
import { dicomString, PIXEL_DATA, readDicomDataSet, tagName, type DicomDataSet } from './data-set.ts';
import { windowToUnit } from './hounsfield.ts';
import { decodeRleFrame } from './rle.ts';
import { RLE_LOSSLESS } from './transfer-syntax.ts';

const SAMPLES_PER_PIXEL = 0x00280002;
const NUMBER_OF_FRAMES = 0x00280008;
const PHOTOMETRIC_INTERPRETATION = 0x00280004;
const ROWS = 0x00280010;
const COLUMNS = 0x00280011;
const BITS_ALLOCATED = 0x00280100;
const BITS_STORED = 0x00280101;
const HIGH_BIT = 0x00280102;
const PIXEL_REPRESENTATION = 0x00280103;
const RESCALE_INTERCEPT = 0x00281052;
const RESCALE_SLOPE = 0x00281053;
const RESCALE_TYPE = 0x00281054;
const MODALITY = 0x00080060;
const SOP_CLASS_UID = 0x00080016;
/** Enhanced and Legacy Converted Enhanced CT: their rescale sits in per-frame functional groups, which are not read. */
const ENHANCED_CT = new Set(['1.2.840.10008.5.1.4.1.1.2.1', '1.2.840.10008.5.1.4.1.1.2.2']);

/**
 * A CT slice in DICOM (Part 10 or a bare data set; Implicit/Explicit VR Little Endian or RLE
 * Lossless; 8- or 16-bit, signed or unsigned, any BitsStored) to gray in [0, 1]: stored value
 * · RescaleSlope + RescaleIntercept gives Hounsfield units, the lung window maps them to
 * [0, 1], and MONOCHROME1 (white = low) is inverted. Of a multi-frame file only the first
 * frame is read: one slice is what the net takes.
 */
export function decodeDicom(bytes: Uint8Array, file: string): GrayImage {
  const dataSet = readDicomDataSet(bytes, file);
  const fields = new PixelFields(dataSet, file);
  const width = fields.uint16(COLUMNS);
  const height = fields.uint16(ROWS);
  const bitsAllocated = fields.uint16(BITS_ALLOCATED);
  const bitsStored = fields.uint16(BITS_STORED, bitsAllocated);
  const highBit = fields.uint16(HIGH_BIT, bitsStored - 1);
  const signed = fields.uint16(PIXEL_REPRESENTATION, 0) === 1;
  const slope = fields.number(RESCALE_SLOPE, 1);
  const intercept = fields.number(RESCALE_INTERCEPT, 0);
  const photometric = fields.string(PHOTOMETRIC_INTERPRETATION, 'MONOCHROME2');
  const samples = fields.uint16(SAMPLES_PER_PIXEL, 1);
  const unsupported = (what: string) => new ImageDecodeError(file, `unsupported DICOM image: ${what}`);
  const modality = fields.string(MODALITY, 'CT');
  if (modality !== 'CT') throw unsupported(`Modality ${modality} (CT slices are read: their values are Hounsfield units, which the lung window needs)`);
  const rescaleType = fields.string(RESCALE_TYPE, 'HU');
  if (rescaleType !== 'HU') throw unsupported(`RescaleType ${rescaleType} (Hounsfield units are windowed)`);
  if (ENHANCED_CT.has(fields.string(SOP_CLASS_UID, '')) && !dataSet.elements.has(RESCALE_INTERCEPT)) throw unsupported('enhanced multi-frame CT (its rescale to Hounsfield units sits in functional groups, which are not read)');
  if (slope === 0) throw new ImageDecodeError(file, 'corrupt DICOM: RescaleSlope 0 makes every pixel the same');
  if (samples !== 1) throw unsupported(`SamplesPerPixel ${samples} (only single-sample CT slices are read)`);
  if (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2') throw unsupported(`PhotometricInterpretation ${photometric.slice(0, 64)}`);
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw unsupported(`BitsAllocated ${bitsAllocated}`);
  if (bitsStored < 1 || highBit >= bitsAllocated || highBit + 1 < bitsStored) {
    throw new ImageDecodeError(file, `corrupt DICOM: BitsStored ${bitsStored} with HighBit ${highBit} does not fit BitsAllocated ${bitsAllocated}`);
  }
  if (width === 0 || height === 0) throw new ImageDecodeError(file, `corrupt DICOM: image of ${width} × ${height} pixels`);
  if (width * height > MAX_PIXELS) throw unsupported(`${width} × ${height} pixels, more than the ${MAX_PIXELS / 1e6} million read`);
  const frames = fields.number(NUMBER_OF_FRAMES, 1);
  const bytesPerPixel = bitsAllocated / 8;
  const frame = firstFrame(dataSet, width * height, bytesPerPixel, frames, file);
  const stored = storedValues(frame, width * height, bitsAllocated, bitsStored, highBit, signed);
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const unit = windowToUnit(stored[i] * slope + intercept);
    data[i] = photometric === 'MONOCHROME1' ? 1 - unit : unit;
  }
  return { width, height, data };
}

/**
 * The first frame's bytes in native little-endian layout. Native Pixel Data must hold exactly
 * `frames` frames (and a byte of padding to an even length): any other length means Rows,
 * Columns or BitsAllocated do not describe it, and the pixels would be read sheared.
 */
function firstFrame(dataSet: DicomDataSet, pixelCount: number, bytesPerPixel: number, frames: number, file: string): Uint8Array {
  const frameBytes = pixelCount * bytesPerPixel;
  if (dataSet.transferSyntax === RLE_LOSSLESS) {
    // RLE puts each frame in exactly one fragment (PS3.5 A.4.2).
    const fragment = dataSet.pixelFragments?.[0];
    if (!fragment) throw new ImageDecodeError(file, 'corrupt DICOM: RLE Lossless file without encapsulated pixel fragments');
    return decodeRleFrame(fragment, pixelCount, bytesPerPixel, file);
  }
  const pixels = dataSet.elements.get(PIXEL_DATA);
  if (!pixels) throw new ImageDecodeError(file, dataSet.pixelFragments ? `corrupt DICOM: Pixel Data is encapsulated (compressed), but the transfer syntax ${dataSet.transferSyntax} is a native one` : `not an image: DICOM data set has no Pixel Data ${tagName(PIXEL_DATA)}`);
  if (pixels.length < frameBytes) {
    throw new ImageDecodeError(file, `truncated DICOM: Pixel Data holds ${pixels.length} bytes, one frame needs ${frameBytes}`);
  }
  if (pixels.length !== frames * frameBytes && pixels.length !== frames * frameBytes + 1) {
    throw new ImageDecodeError(file, `corrupt DICOM: Pixel Data holds ${pixels.length} bytes, ${frames} frame(s) of Rows × Columns × BitsAllocated need ${frames * frameBytes}`);
  }
  return pixels.subarray(0, frameBytes);
}

/** Stored pixel values: the BitsStored bits ending at HighBit, sign-extended when signed. */
function storedValues(
  frame: Uint8Array,
  pixelCount: number,
  bitsAllocated: number,
  bitsStored: number,
  highBit: number,
  signed: boolean,
): Int32Array {
  const shift = highBit + 1 - bitsStored;
  const mask = 2 ** bitsStored - 1;
  const signBit = 2 ** (bitsStored - 1);
  const values = new Int32Array(pixelCount);
  for (let i = 0; i < pixelCount; i++) {
    const raw = bitsAllocated === 8 ? frame[i] : frame[2 * i] | (frame[2 * i + 1] << 8);
    const value = (raw >> shift) & mask;
    values[i] = signed && value >= signBit ? value - 2 * signBit : value;
  }
  return values;
}

/** Typed reads of the image pixel module, with the file named in every complaint. */
class PixelFields {
  constructor(
    private readonly dataSet: DicomDataSet,
    private readonly file: string,
  ) {}

  uint16(tag: number, fallback?: number): number {
    const value = this.dataSet.elements.get(tag);
    if (value && value.length >= 2) return value[0] | (value[1] << 8);
    if (fallback !== undefined) return fallback;
    throw new ImageDecodeError(this.file, `not an image: DICOM data set lacks ${tagName(tag)}`);
  }

  /** A decimal or integer string (DS, IS); of a multi-valued one, the first value. */
  number(tag: number, fallback: number): number {
    const text = this.string(tag, '');
    if (text === '') return fallback;
    const value = Number(text.split('\\')[0]);
    if (!Number.isFinite(value)) throw new ImageDecodeError(this.file, `corrupt DICOM: ${tagName(tag)} is "${text}", not a number`);
    return value;
  }

  string(tag: number, fallback: string): string {
    const value = this.dataSet.elements.get(tag);
    return value ? dicomString(value) : fallback;
  }
}
