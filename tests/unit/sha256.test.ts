import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/lib/sha256";

const node = (text: string) => createHash("sha256").update(text, "utf16le").digest("hex");

describe("sha256 (the pack's check)", () => {
  it("matches Node's SHA-256 of the UTF-16LE bytes, across block boundaries and non-ASCII text", () => {
    const samples = ["", "a", "abc", "function(k){}", "\u2060mst \u00e9\uffff\ud83d\ude00"];
    for (let n = 20; n < 80; n++) samples.push("x".repeat(n));
    samples.push("function () { return 1 }".repeat(4000));
    for (const text of samples) expect(sha256(text), JSON.stringify(text.slice(0, 20))).toBe(node(text));
  });
  it("differs for texts that differ in one code unit", () => {
    expect(sha256("function(k){return 1}")).not.toBe(sha256("function(k){return 2}"));
  });
});
