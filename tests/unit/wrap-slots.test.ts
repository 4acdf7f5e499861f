import { describe, expect, it } from "vitest";
import { asAtStart, keepPristine, wrapMethod } from "../../src/lib/wrap";

describe("slots and asAtStart (what the pack starts with, src/core/pack.ts)", () => {
  it("a later wrap adds a layer behind the first wrapper, which a reference taken before still reaches", () => {
    const holder = { run: (x: number) => x + 1 };
    wrapMethod(holder, "run", (native, self, args) => (native.apply(self, args) as number) * 10);
    const early = holder.run;
    wrapMethod(holder, "run", (native, self, args) => (native.apply(self, args) as number) - 3);
    expect(holder.run).toBe(early);
    expect(early(1)).toBe(17); // ((1 + 1) * 10) - 3: the later layer outside, behind the same Proxy
  });

  it("puts back what a page replaced, added or removed, only while the function runs, and keeps what the function wrapped", () => {
    const original = function sum(a: number, b: number) { return a + b; };
    const proto: Record<string, unknown> = { sum: original, keep: 1, gone: 2 };
    keepPristine([proto]);
    const pageSum = () => -1;
    proto.sum = pageSum; // replaced
    proto.added = "page"; // added
    delete proto.gone; // removed
    proto.keep = 5; // replaced
    let seen: unknown[] = [];
    asAtStart(false, () => {
      seen = [proto.sum, "added" in proto, proto.gone, proto.keep];
      proto.keep = 7; // the function's own change stays
    });
    expect(seen).toEqual([original, false, 2, 1]);
    expect(proto.sum).toBe(pageSum);
    expect(proto.added).toBe("page");
    expect("gone" in proto).toBe(false);
    expect(proto.keep).toBe(7);
  });

  it("with the wrappers: a wrapped member reads as its wrapper, without them as the native function", () => {
    const native = function area(w: number) { return w * w; };
    const proto: Record<string, unknown> = { area: native };
    keepPristine([proto]);
    wrapMethod(proto, "area", (n, self, args) => (n.apply(self, args) as number) + 0.5);
    const wrapper = proto.area;
    proto.area = () => 0; // a page's replacement
    const read: unknown[] = [];
    asAtStart(false, () => read.push(proto.area));
    asAtStart(true, () => read.push(proto.area));
    expect(read).toEqual([native, wrapper]);
    expect((proto.area as () => number)()).toBe(0);
  });
});
