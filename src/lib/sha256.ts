/**
 * SHA-256 of a string's UTF-16 code units (each as two bytes, little-endian), as lowercase hex:
 * what the main-world script checks the extension's pack against (src/core/pack.ts). Synchronous
 * and built from plain arithmetic, so a page can neither intercept it nor make it wait; the build
 * hashes the same bytes (Node: `createHash("sha256").update(text, "utf16le")`).
 */
import { apply, numberToString, stringCharCodeAt, stringSlice } from "./natives";

// Captured at start: a page that replaced Int32Array later could otherwise choose the result.
const Int32 = Int32Array;
let K: Int32Array | undefined;

export function sha256(text: string): string {
  if (!K) {
    // The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    K = new Int32(64);
    for (let n = 2, found = 0; found < 64; n++) {
      let prime = true;
      for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
      if (prime) K[found++] = ((n ** (1 / 3)) % 1) * 2 ** 32 | 0;
    }
  }
  const units = text.length, bytes = units * 2, blocks = ((bytes + 8) >> 6) + 1;
  const words = new Int32(blocks * 16);
  for (let i = 0; i < units; i++) {
    const c = apply(stringCharCodeAt, text, [i]) as number, b = i * 2;
    words[b >> 2] |= (c & 255) << (24 - (b & 3) * 8);
    words[(b + 1) >> 2] |= (c >> 8) << (24 - ((b + 1) & 3) * 8);
  }
  words[bytes >> 2] |= 0x80 << (24 - (bytes & 3) * 8);
  words[blocks * 16 - 1] = bytes * 8;
  words[blocks * 16 - 2] = (bytes * 8) / 2 ** 32 | 0;
  const h = new Int32(8);
  h[0] = 0x6a09e667; h[1] = 0xbb67ae85 | 0; h[2] = 0x3c6ef372; h[3] = 0xa54ff53a | 0;
  h[4] = 0x510e527f; h[5] = 0x9b05688c | 0; h[6] = 0x1f83d9ab; h[7] = 0x5be0cd19;
  const w = new Int32(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let block = 0; block < blocks; block++) {
    for (let t = 0; t < 64; t++) {
      if (t < 16) w[t] = words[block * 16 + t];
      else {
        const a = w[t - 15], b = w[t - 2];
        w[t] = (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[t - 16] + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10)) + w[t - 7] | 0;
      }
    }
    let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (let t = 0; t < 64; t++) {
      const t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K![t] + w[t] | 0;
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c)) | 0;
      k = g; g = f; f = e; e = d + t1 | 0; d = c; c = b; b = a; a = t1 + t2 | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
  }
  let hex = "";
  for (let i = 0; i < 8; i++) hex += apply(numberToString, (h[i] >>> 0) + 2 ** 32, [16]) as string;
  // (Each word was written with a leading 1 so that it keeps its zeros: drop those.)
  let out = "";
  for (let i = 0; i < 8; i++) out += apply(stringSlice, hex, [i * 9 + 1, i * 9 + 9]) as string;
  return out;
}
