/**
 * A join token as a QR code, for a handoff where a camera or a screenshot
 * crosses the air gap instead of a file. Rendered locally (no web service
 * ever sees the token) and read back from a PNG screenshot.
 */
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { AppError } from '../../shared/contract/errors.js';

// jsqr is CommonJS with both `module.exports = jsQR` and `.default = jsQR`: which of the two a
// default import yields differs between Node, vitest and esbuild, so take whichever is the function.
const jsQR: typeof jsQRModule.default = typeof jsQRModule === 'function' ? jsQRModule : jsQRModule.default;

/** A 6K-display screenshot is about 20 MB as PNG; anything larger is not a screenshot. */
export const MAX_QR_IMAGE_BYTES = 32 * 1024 * 1024;
/** 25 megapixels (a 6K screen) is 100 MB decoded: the cap also stops a small PNG that inflates enormously. */
const MAX_QR_IMAGE_PIXELS = 25_000_000;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const RENDER = {
  // M restores 15% of damaged modules: enough for a photo of a screen, while a ~200-character token stays a small code.
  errorCorrectionLevel: 'M',
  // The 4-module quiet zone the QR standard asks for: readers fail without it on a dark background.
  margin: 4,
  color: { dark: '#000000ff', light: '#ffffffff' },
} as const;

/** `text` as a PNG QR code, 8 pixels per module, black on white. */
export async function tokenQrPng(text: string): Promise<Buffer> {
  checkText(text);
  try {
    return await QRCode.toBuffer(text, { ...RENDER, type: 'png', scale: 8 });
  } catch (err) {
    throw renderError(err);
  }
}

/** `text` as an SVG QR code (scales to any size in the UI). */
export async function tokenQrSvg(text: string): Promise<string> {
  checkText(text);
  try {
    return await QRCode.toString(text, { ...RENDER, type: 'svg' });
  } catch (err) {
    throw renderError(err);
  }
}

/** The text of the QR code in a PNG image (a screenshot of one, or a PNG saved by Flotilla). */
export function decodeQrImage(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new AppError('FILE_UNREADABLE', 'The image is empty; take a PNG screenshot of the QR code and try again.');
  if (bytes.length > MAX_QR_IMAGE_BYTES) {
    throw new AppError('FILE_UNREADABLE', `The image is ${(bytes.length / (1024 * 1024)).toFixed(1)} MB, larger than a screenshot; crop it to the QR code and save it as PNG.`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE)) {
    const kind = imageKind(buf);
    throw new AppError('FILE_UNREADABLE', `${kind ? `The image is a ${kind}` : 'The file is not a PNG image'}; Flotilla reads QR codes from PNG images only: take a screenshot of the QR code (screenshots are saved as PNG) and use that.`);
  }
  // Width and height from the IHDR chunk, checked before pngjs allocates the decoded pixels.
  if (buf.length >= 24) {
    const width = buf.readUInt32BE(16);
    const height = buf.readUInt32BE(20);
    if (width * height > MAX_QR_IMAGE_PIXELS) {
      throw new AppError('FILE_UNREADABLE', `The image is ${width}×${height} pixels, too large to search for a QR code; crop it to the code.`);
    }
  }
  let png: PNG;
  try {
    png = PNG.sync.read(buf);
  } catch (err) {
    throw new AppError('FILE_UNREADABLE', `The PNG image is damaged (${(err as Error).message}); take the screenshot again.`);
  }
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!code || code.data === '') {
    throw new AppError('FILE_UNREADABLE', 'No QR code was found in the image. Take a screenshot in which the whole code is sharp and visible, with its white border.');
  }
  return code.data;
}

function checkText(text: string): void {
  if (!text) throw new AppError('INVALID_ARGS', 'There is nothing to put in the QR code.');
}

function renderError(err: unknown): AppError {
  const message = err instanceof Error ? err.message : String(err);
  if (/too big/i.test(message)) {
    return new AppError('INVALID_ARGS', 'The text is too long for one QR code; hand the token over as a handoff file instead.');
  }
  return new AppError('INTERNAL', `The QR code could not be drawn: ${message}.`);
}

/** What a non-PNG image is, from its first bytes, to name it in the message. */
function imageKind(b: Buffer): string | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'JPEG photo';
  if (b.subarray(0, 4).toString('latin1') === 'GIF8') return 'GIF image';
  if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'WebP image';
  if (b.subarray(0, 2).toString('latin1') === 'BM') return 'BMP image';
  if (b.subarray(4, 12).toString('latin1').startsWith('ftyp')) return 'HEIC/AVIF photo';
  if (/^\s*<(\?xml|svg)/.test(b.subarray(0, 64).toString('latin1'))) return 'SVG drawing';
  return undefined;
}
