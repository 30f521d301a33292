/**
 * The token as a QR code: what Flotilla draws reads back as the same text,
 * also from a screenshot with the code somewhere in it, and an image that is
 * not a PNG, or a PNG with no code, gets a message saying what to do.
 */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/errors.js';
import { decodeQrImage, tokenQrPng, tokenQrSvg } from '../../../main/multicluster/qr.js';

// A realistic join token: 200 characters of base64url.
const TOKEN = Buffer.from(Array.from({ length: 150 }, (_, i) => (i * 37 + 11) % 256)).toString('base64url');

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError');
}

function solidPng(width: number, height: number, grey: number): PNG {
  const png = new PNG({ width, height });
  png.data.fill(grey);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  return png;
}

describe('QR codes of a join token', () => {
  it('draws a PNG that decodes to the same token', async () => {
    expect(TOKEN).toHaveLength(200);
    const png = await tokenQrPng(TOKEN);
    expect(decodeQrImage(png)).toBe(TOKEN);
  });

  it('leaves a white quiet zone of four modules around the code', async () => {
    const png = PNG.sync.read(await tokenQrPng(TOKEN));
    const border = 4 * 8; // four modules of 8 pixels
    for (let x = 0; x < png.width; x++) {
      for (let y = 0; y < border; y++) {
        const i = (y * png.width + x) * 4;
        expect(png.data[i]).toBe(255);
      }
    }
    // …and the first dark module (the finder pattern's corner) is just inside it.
    expect(png.data[(border * png.width + border) * 4]).toBe(0);
  });

  it('reads the code from a screenshot in which it is somewhere on a grey window', async () => {
    const code = PNG.sync.read(await tokenQrPng(TOKEN));
    const shot = solidPng(1280, 900, 60);
    PNG.bitblt(code, shot, 0, 0, code.width, code.height, 500, 200);
    expect(decodeQrImage(PNG.sync.write(shot))).toBe(TOKEN);
  });

  it('draws an SVG of the same code, black on white, with the quiet zone', async () => {
    const svg = await tokenQrSvg(TOKEN);
    const png = PNG.sync.read(await tokenQrPng(TOKEN));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const modules = png.width / 8;
    expect(svg).toContain(`viewBox="0 0 ${modules} ${modules}"`);
    expect(svg).toContain('fill="#ffffff"');
    expect(svg).toContain('stroke="#000000"');
    expect(svg).not.toContain(TOKEN);
  });

  it('says a text too long for one QR code should be handed over as a file', async () => {
    const err = await tokenQrPng('x'.repeat(5000)).then(
      () => undefined,
      (e: unknown) => e as AppError,
    );
    expect(err?.code).toBe('INVALID_ARGS');
    expect(err?.message).toMatch(/too long for one QR code; hand the token over as a handoff file/);
  });
});

describe('reading a QR code from an image that has none', () => {
  it('says a JPEG photo is not read and to use a PNG screenshot', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
    const err = failure(() => decodeQrImage(jpeg));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/^The image is a JPEG photo; Flotilla reads QR codes from PNG images only: take a screenshot/);
  });

  it('says a file that is no image at all is not a PNG', () => {
    const err = failure(() => decodeQrImage(new TextEncoder().encode(TOKEN)));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/^The file is not a PNG image; .*PNG/);
  });

  it('says no QR code was found in a PNG without one', () => {
    const err = failure(() => decodeQrImage(PNG.sync.write(solidPng(300, 200, 255))));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/^No QR code was found in the image/);
  });

  it('says a PNG cut short is damaged', async () => {
    const png = await tokenQrPng(TOKEN);
    const err = failure(() => decodeQrImage(png.subarray(0, png.length / 2)));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/^The PNG image is damaged/);
  });

  it('refuses a PNG whose header claims billions of pixels before decoding it', async () => {
    const png = Buffer.from(await tokenQrPng(TOKEN));
    png.writeUInt32BE(100_000, 16);
    png.writeUInt32BE(100_000, 20);
    const err = failure(() => decodeQrImage(png));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/100000×100000 pixels, too large/);
  });

  it('refuses an image file larger than any screenshot', () => {
    const err = failure(() => decodeQrImage(new Uint8Array(40 * 1024 * 1024)));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/larger than a screenshot/);
  });
});
