// Writes the toolbar and store icons (a camera lens in a rounded square) and the toolbar's live
// variant as PNGs, with no dependencies: node scripts/make-icons.mjs
import { deflateSync } from "node:zlib";
import { writeFileSync, mkdirSync } from "node:fs";

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y, size), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}
/** The icon at a point of the unit square: a camera lens in a rounded square. */
function lens(u, v) {
  const r = 0.2;
  const dx = Math.max(Math.abs(u - 0.5) - (0.5 - r), 0), dy = Math.max(Math.abs(v - 0.5) - (0.5 - r), 0);
  if (Math.hypot(dx, dy) > r) return [0, 0, 0, 0];
  const d = Math.hypot(u - 0.5, v - 0.52);
  if (d < 0.13) return [255, 255, 255, 255];
  if (d < 0.27) return [20, 40, 90, 255];
  if (d < 0.33) return [255, 255, 255, 255];
  return [11, 87, 208, 255];
}

/** The live variant: a red dot in a white ring at the top right (the badge text sits at the
 * bottom right), shown on tabs that use the camera or microphone. */
function live(u, v) {
  const d = Math.hypot(u - 0.77, v - 0.23);
  if (d < 0.17) return [217, 48, 37, 255];
  if (d < 0.23) return [255, 255, 255, 255];
  return lens(u, v);
}

/** 4 x 4 samples per pixel, averaged with premultiplied alpha, for smooth edges at 16 px. */
function sampled(shape) {
  const n = 4;
  return (x, y, size) => {
    let r = 0, g = 0, b = 0, a = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const [pr, pg, pb, pa] = shape((x + (i + 0.5) / n) / size, (y + (j + 0.5) / n) / size);
        r += pr * pa; g += pg * pa; b += pb * pa; a += pa;
      }
    }
    return a === 0 ? [0, 0, 0, 0] : [Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round(a / (n * n))];
  };
}

mkdirSync("public/icons", { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(`public/icons/icon-${size}.png`, png(size, sampled(lens)));
// The toolbar uses 16 and 32 px.
for (const size of [16, 32]) writeFileSync(`public/icons/icon-live-${size}.png`, png(size, sampled(live)));
