// A screenshot of the whole Xvfb screen, from the framebuffer file Xvfb keeps with
// `-fbdir` (an XWD image), written as PNG. WebKitWebDriver's own screenshot waits for a
// rendering update that an idle page under Xvfb never makes (GET /screenshot then hangs),
// so the tests read the screen the X server shows instead. Node 20, no dependencies.
import { readFile, writeFile } from 'node:fs/promises';
import { crc32, deflateSync } from 'node:zlib';

/** The XWD image `xwd` as PNG bytes (24-bit RGB; TrueColor with 32 bits per pixel). */
export function xwdToPng(xwd) {
  const field = (i) => xwd.readUInt32BE(i * 4);
  const headerSize = field(0);
  const [width, height] = [field(4), field(5)];
  const [byteOrder, bitsPerPixel, bytesPerLine] = [field(7), field(11), field(12)];
  const masks = [field(14), field(15), field(16)];
  const ncolors = field(19);
  if (field(1) !== 7 || bitsPerPixel !== 32) {
    throw new Error(`not a 32-bit XWD image (version ${field(1)}, ${bitsPerPixel} bits per pixel)`);
  }
  const shifts = masks.map((m) => Math.clz32(1) - Math.clz32(m & -m));
  const pixels = headerSize + ncolors * 12;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (width * 3 + 1);
    raw[out] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const at = pixels + y * bytesPerLine + x * 4;
      const p = byteOrder === 0 ? xwd.readUInt32LE(at) : xwd.readUInt32BE(at);
      for (let c = 0; c < 3; c++) raw[out + 1 + x * 3 + c] = (p & masks[c]) >>> shifts[c];
    }
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes the screen of the Xvfb whose framebuffer file is `screenFile` to `pngFile`. */
export async function shootScreen(screenFile, pngFile) {
  await writeFile(pngFile, xwdToPng(await readFile(screenFile)));
}
