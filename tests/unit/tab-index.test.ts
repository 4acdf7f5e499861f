import { describe, expect, it } from "vitest";
import { tabIndex } from "../../extension/background/tab-index";

type Store = number[];
const later = <T>(value: T) => {
  let release!: () => void;
  const promise = new Promise<T>((resolve) => { release = () => resolve(value); });
  return { promise, release };
};

describe("tabIndex", () => {
  it("knows nothing until the first read, then only the tabs read", async () => {
    const index = tabIndex<Store>((tabs) => tabs);
    expect(index.mayHave(7)).toBe(true);
    await index.load(async () => [1, 2]);
    expect([index.mayHave(1), index.mayHave(2), index.mayHave(7)]).toEqual([true, true, false]);
  });

  it("notes a write's tabs before the write ends, and keeps only them after", async () => {
    const index = tabIndex<Store>((tabs) => tabs);
    await index.load(async () => [1]);
    const write = later(undefined);
    const saving = index.save([3], () => write.promise);
    // While the write is under way either value may be stored.
    expect([index.mayHave(1), index.mayHave(3)]).toEqual([true, true]);
    write.release();
    await saving;
    expect([index.mayHave(1), index.mayHave(3)]).toEqual([false, true]);
  });

  it("a read that a write overlapped does not bring the older value back", async () => {
    const index = tabIndex<Store>((tabs) => tabs);
    await index.load(async () => []);
    const read = later<Store>([]);
    const reading = index.load(() => read.promise);
    await index.save([5], async () => undefined);
    read.release();
    await reading;
    expect(index.mayHave(5)).toBe(true);
  });

  it("forgets what it knew when a read or a write fails", async () => {
    const index = tabIndex<Store>((tabs) => tabs);
    await index.load(async () => []);
    await expect(index.save([2], async () => { throw new Error("quota"); })).rejects.toThrow("quota");
    expect(index.mayHave(9)).toBe(true);
    await index.load(async () => []);
    expect(index.mayHave(9)).toBe(false);
    await expect(index.load(async () => { throw new Error("corrupt"); })).rejects.toThrow("corrupt");
    expect(index.mayHave(9)).toBe(true);
  });
});
