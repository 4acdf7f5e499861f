/**
 * SHA-256 of a string's UTF-16 code units (each as two bytes, little-endian), as lowercase hex:
 * what the main-world script checks the extension's pack against (src/core/pack.ts). Synchronous
 * and built from plain arithmetic on typed arrays, so a page can neither intercept it nor make it
 * wait; the build hashes the same bytes (Node: `createHash("sha256").update(text, "utf16le")`).
 */
import { apply, numberToString, stringCharCodeAt, stringSlice } from "./natives";

// Captured at start: a page that replaced Int32Array later could otherwise choose the result.
const Int32 = Int32Array;
/** The round constants, then the initial hash: the first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes, and of the square roots of the first 8. */
let K: Int32Array | undefined, H: Int32Array;

export function sha256(text: string): string {
  if (!K) {
    K = new Int32(64);
    H = new Int32(8);
    for (let n = 2, found = 0; found < 64; n++) {
      let prime = 1;
      for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = 0;
      if (!prime) continue;
      if (found < 8) H[found] = ((n ** 0.5) % 1) * 2 ** 32 | 0;
      K[found++] = ((n ** (1 / 3)) % 1) * 2 ** 32 | 0;
    }
  }
  const bytes = text.length * 2, blocks = ((bytes + 8) >> 6) + 1, words = new Int32(blocks * 16);
  for (let i = 0; i < bytes; i++) {
    const unit = apply(stringCharCodeAt, text, [i >> 1]) as number;
    words[i >> 2] |= (i & 1 ? unit >> 8 : unit & 255) << (24 - (i & 3) * 8);
  }
  words[bytes >> 2] |= 0x80 << (24 - (bytes & 3) * 8);
  words[blocks * 16 - 1] = bytes * 8;
  words[blocks * 16 - 2] = (bytes * 8) / 2 ** 32 | 0;
  const h = new Int32(H), w = new Int32(64), s = new Int32(8);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let block = 0; block < blocks * 16; block += 16) {
    for (let t = 0; t < 8; t++) s[t] = h[t];
    for (let t = 0; t < 64; t++) {
      if (t < 16) w[t] = words[block + t];
      else {
        const a = w[t - 15], b = w[t - 2];
        w[t] = (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[t - 16] + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10)) + w[t - 7];
      }
      const a = s[0], e = s[4];
      const t1 = s[7] + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & s[5]) ^ (~e & s[6])) + K[t] + w[t] | 0;
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & s[1]) ^ (a & s[2]) ^ (s[1] & s[2])) | 0;
      for (let j = 7; j > 0; j--) s[j] = s[j - 1];
      s[4] += t1;
      s[0] = t1 + t2;
    }
    for (let t = 0; t < 8; t++) h[t] += s[t];
  }
  let hex = "";
  for (let i = 0; i < 8; i++) {
    // (A leading 1 keeps each word's zeros; it is dropped.)
    hex += apply(stringSlice, apply(numberToString, (h[i] >>> 0) + 2 ** 32, [16]), [1]) as string;
  }
  return hex;
}
