import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../src/train/data/decode-png.ts';
import { catchDecodeError } from './catch-error.ts';
import { COVID_CT_IMAGES } from './data-paths.ts';
import { blockMean, mean, pixel, std } from './image-stats.ts';

const read = (name: string) => new Uint8Array(readFileSync(`${COVID_CT_IMAGES}/${name}`));

// Reference numbers: Pillow + NumPy, gray = (0.299 R + 0.587 G + 0.114 B) / 255 in float64.
describe('decodePng on data set files', () => {
  it.each([
    { name: 'COVID/2020.03.13.20035212-p23-152.png', kind: '8-bit gray', width: 512, height: 440, mean: 0.557897, std: 0.425641, centre: 1, at10x20: 1, block: 0.517375 },
    { name: 'COVID/2020.02.10.20021584-p6-52_0.png', kind: '8-bit RGB', width: 287, height: 202, mean: 0.695373, std: 0.268115, centre: 1, at10x20: 52 / 255, block: 0.337354 },
    { name: 'COVID/2020.01.24.919183-p27-132.png', kind: '8-bit RGBA', width: 725, height: 551, mean: 0.680929, std: 0.340916, centre: 251 / 255, at10x20: 42 / 255, block: 0.492766 },
  ])('$kind $name', (c) => {
    const image = decodePng(read(c.name), c.name);
    expect([image.width, image.height]).toEqual([c.width, c.height]);
    expect(mean(image.data)).toBeCloseTo(c.mean, 5);
    expect(std(image.data)).toBeCloseTo(c.std, 5);
    expect(pixel(image, c.width >> 1, c.height >> 1)).toBeCloseTo(c.centre, 6);
    expect(pixel(image, 10, 20)).toBeCloseTo(c.at10x20, 6);
    expect(blockMean(image, c.width >> 2, c.height >> 2, 32)).toBeCloseTo(c.block, 5);
  });
});

describe('decodePng on synthesized colour types and depths', () => {
  const decoded = (png: Parameters<typeof encode>[0]) => Array.from(decodePng(encode(png), 'synthetic.png').data);

  it('16-bit gray scales by 65535', () => {
    const values = decoded({ width: 3, height: 1, depth: 16, channels: 1, data: new Uint16Array([0, 32768, 65535]) });
    expect(values[0]).toBe(0);
    expect(values[1]).toBeCloseTo(32768 / 65535, 6);
    expect(values[2]).toBe(1);
  });

  it('gray + alpha ignores alpha, 8- and 16-bit', () => {
    const eight = decoded({ width: 2, height: 1, depth: 8, channels: 2, data: new Uint8Array([200, 0, 100, 255]) });
    expect(eight[0]).toBeCloseTo(200 / 255, 6);
    expect(eight[1]).toBeCloseTo(100 / 255, 6);
    const sixteen = decoded({ width: 1, height: 1, depth: 16, channels: 2, data: new Uint16Array([13107, 7]) });
    expect(sixteen[0]).toBeCloseTo(0.2, 6);
  });

  it('16-bit RGBA uses BT.601 luma and ignores alpha', () => {
    const values = decoded({ width: 2, height: 1, depth: 16, channels: 4, data: new Uint16Array([65535, 0, 0, 0, 0, 0, 65535, 65535]) });
    expect(values[0]).toBeCloseTo(0.299, 6);
    expect(values[1]).toBeCloseTo(0.114, 6);
  });

  it('2-bit palette looks colours up, then luma', () => {
    const palette = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]];
    const values = decoded({ width: 3, height: 1, depth: 2, channels: 1, palette, data: new Uint8Array([0b00_01_10_00]) });
    expect(values[0]).toBeCloseTo(0.299, 6);
    expect(values[1]).toBeCloseTo(0.587, 6);
    expect(values[2]).toBeCloseTo(0.114, 6);
  });

  it('1-bit palette with transparency (tRNS) ignores the alpha', () => {
    const palette = [[0, 0, 0, 0], [255, 255, 255, 128]];
    expect(decoded({ width: 2, height: 1, depth: 1, channels: 1, palette, data: new Uint8Array([0b0100_0000]) })).toEqual([0, 1]);
  });

  it('1-bit gray unpacks each row from its own byte', () => {
    const values = decoded({ width: 10, height: 2, depth: 1, channels: 1, data: new Uint8Array([0b1011_0000, 0b0100_0000, 0xff, 0xc0]) });
    expect(values).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
});

/** A PNG of the given header fields and chunks before IDAT, its image data deflated by zlib, CRCs right. */
function pngOf(imageData: Uint8Array, { width = 4, height = 3, colour = 0, interlace = 0, before = [] as [string, Uint8Array][] } = {}): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.from([0, 0, 0, width, 0, 0, 0, height, 8, colour, 0, 0, interlace]);
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  const extra = before.map(([type, data]) => chunk(type, data));
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', header), ...extra, chunk('IDAT', deflateSync(imageData)), chunk('IEND', Buffer.alloc(0))]));
}

describe('decodePng on damaged files', () => {
  const good = read('COVID/2020.02.10.20021584-p6-52_0.png');

  it('a flipped byte inside IDAT fails the CRC check', () => {
    const corrupt = Uint8Array.from(good);
    corrupt[good.length >> 1] ^= 0xff;
    expect(() => decodePng(corrupt, 'flipped.png')).toThrowError(/^corrupt PNG: CRC mismatch for chunk IDAT.* in flipped\.png$/);
  });

  it('a file cut inside a chunk is truncated, naming the chunk', async () => {
    const error = await catchDecodeError(() => decodePng(good.subarray(0, good.length >> 1), 'half.png'));
    expect(error.file).toBe('half.png');
    expect(error.reason).toMatch(/^truncated PNG: chunk IDAT at byte \d+ needs \d+ bytes, only \d+ left$/);
  });

  it('image data a few bytes short of its rows is corrupt, not zero-filled; a whole row short too; interlaced too', async () => {
    // 4 × 3 8-bit gray: each row a filter byte (0) and four samples of 200
    const rows = new Uint8Array(15).map((_, i) => (i % 5 === 0 ? 0 : 200));
    expect(Array.from(decodePng(pngOf(rows), 'whole.png').data)).toEqual(Array(12).fill(Math.fround(200 / 255)));
    expect((await catchDecodeError(() => decodePng(pngOf(rows.subarray(0, 12)), 'short.png'))).reason).toBe('corrupt PNG: image data holds 12 bytes, its 4 × 3 pixels need 15');
    expect((await catchDecodeError(() => decodePng(pngOf(rows.subarray(0, 10)), 'row.png'))).reason).toMatch(/^corrupt PNG: /);
    // 3 × 3 interlaced: Adam7 passes 1, 4, 5, 6 and 7 hold 1, 1, 2, 2 × 1 and 3 pixels, each row after its filter byte
    const passes = new Uint8Array([0, 9, 0, 9, 0, 9, 9, 0, 9, 0, 9, 0, 9, 9, 9]);
    expect(Array.from(decodePng(pngOf(passes, { width: 3, height: 3, interlace: 1 }), 'adam7.png').data)).toEqual(Array(9).fill(Math.fround(9 / 255)));
    expect((await catchDecodeError(() => decodePng(pngOf(passes.subarray(0, 14), { width: 3, height: 3, interlace: 1 }), 'adam7.png'))).reason).toBe('corrupt PNG: image data holds 14 bytes, its 3 × 3 pixels need 15');
  });

  it('image data that inflates far past its pixels is corrupt, stopped before it is all held (a 1-pixel file of 100 MB)', async () => {
    const bomb = pngOf(new Uint8Array(100e6), { width: 1, height: 1 });
    expect(bomb.length).toBeLessThan(200_000);
    expect((await catchDecodeError(() => decodePng(bomb, 'bomb.png'))).reason).toBe('corrupt PNG: image data inflates past the 2 bytes its 1 × 1 pixels need');
  });

  it('an RGB image\'s suggested palette is not used to index its samples; a gray image\'s palette is corrupt', async () => {
    const rgb = new Uint8Array([0, 200, 200, 200, 100, 100, 100]);
    const reds = new Uint8Array(768).map((_, i) => (i % 3 === 0 ? 255 : 0));
    expect(Array.from(decodePng(pngOf(rgb, { width: 2, height: 1, colour: 2, before: [['PLTE', reds]] }), 'rgb.png').data)).toEqual([200, 100].map((v) => Math.fround(v / 255)));
    const gray = pngOf(new Uint8Array([0, 9]), { width: 1, height: 1, before: [['PLTE', reds]] });
    expect((await catchDecodeError(() => decodePng(gray, 'gray.png'))).reason).toBe('corrupt PNG: a PLTE chunk in a gray image (colour type 0)');
  });

  it('an ICC profile is left unread: neither a broken one nor one of 100 MB stops the slice (the library inflated it whole)', () => {
    const profile = (compressed: Uint8Array) => new Uint8Array([...Buffer.from('icc\0\0', 'latin1'), ...compressed]);
    for (const compressed of [new Uint8Array([1, 2, 3]), new Uint8Array(deflateSync(new Uint8Array(100e6)))]) {
      const png = pngOf(new Uint8Array([0, 9]), { width: 1, height: 1, before: [['iCCP', profile(compressed)]] });
      expect(Array.from(decodePng(png, 'icc.png').data)).toEqual([Math.fround(9 / 255)]);
    }
  });

  it('a file without IEND is truncated', () => {
    expect(() => decodePng(good.subarray(0, good.length - 12), 'no-end.png')).toThrowError(
      `truncated PNG: file ends at byte ${good.length - 12} before the IEND chunk in no-end.png`,
    );
  });
});

describe('decodePng on headers the decoder library would take on trust', () => {
  const gray4 = () => encode({ width: 2, height: 2, depth: 4, channels: 1, data: new Uint8Array([0x12, 0x34]) });
  const IHDR_DATA = 16; // signature 8, then the chunk's length and type
  // The header changed and its CRC made right again, as a hostile file would have it.
  const withHeader = (png: Uint8Array, change: (view: DataView) => void) => {
    const view = new DataView(png.buffer, png.byteOffset);
    change(view);
    view.setUint32(IHDR_DATA + 13, crc32(png.subarray(IHDR_DATA - 4, IHDR_DATA + 13)));
    return png;
  };
  const withSize = (png: Uint8Array, width: number, height: number) => withHeader(png, (view) => {
    view.setUint32(IHDR_DATA, width);
    view.setUint32(IHDR_DATA + 4, height);
  });
  const withByte = (png: Uint8Array, at: number, value: number) => withHeader(png, (view) => view.setUint8(at, value));
  const reason = async (png: Uint8Array) => (await catchDecodeError(() => decodePng(png, 'x.png'))).reason;

  it('refuses an empty image and one past the pixel limit before allocating it', async () => {
    expect(await reason(withSize(gray4(), 0, 2))).toBe('corrupt PNG: image of 0 × 2 pixels');
    expect(await reason(withSize(gray4(), 20000, 20000))).toBe('unsupported PNG: 20000 × 20000 pixels, more than the 100 million read');
  });

  it('refuses a bit depth the colour type does not allow, which would decode to NaN', async () => {
    const rgb = encode({ width: 1, height: 1, depth: 8, channels: 3, data: new Uint8Array([1, 2, 3]) });
    expect(await reason(withByte(rgb, IHDR_DATA + 8, 4))).toBe('corrupt PNG: bit depth 4 is not allowed for colour type 2');
  });

  it('shows a first chunk type of bytes that are not letters as escapes', async () => {
    const png = gray4();
    png.fill(0, IHDR_DATA - 4, IHDR_DATA);
    expect(await reason(png)).toBe('corrupt PNG: first chunk is \\u0000\\u0000\\u0000\\u0000 of 13 bytes, not the 13-byte IHDR');
  });

  it('calls interlaced samples under 8 bits unsupported', async () => {
    expect(await reason(withByte(gray4(), IHDR_DATA + 12, 1))).toBe('unsupported PNG: interlaced 4-bit samples');
  });

  it('refuses a palette image without its palette', async () => {
    const png = encode({ width: 2, height: 1, depth: 8, channels: 1, palette: [[0, 0, 0], [255, 255, 255]], data: new Uint8Array([0, 1]) });
    const plte = Buffer.from(png).indexOf('PLTE') - 4;
    const paletteBytes = 12 + new DataView(png.buffer, png.byteOffset).getUint32(plte);
    const withoutPalette = new Uint8Array([...png.subarray(0, plte), ...png.subarray(plte + paletteBytes)]);
    expect(await reason(withoutPalette)).toBe('corrupt PNG: palette image without a PLTE chunk before its data');
  });
});
