/**
 * checked-storage.ts against an in-memory chrome.storage: unreadable values are backed up and
 * reported before the readable part replaces them, and left alone when the backup cannot be
 * written. The real browser side is in tests/e2e/faults.spec.ts.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const fake = vi.hoisted(() => {
  const state = { local: {} as Record<string, unknown>, session: {} as Record<string, unknown>, full: false };
  const area = (name: "local" | "session") => ({
    get: async (key: string | null) => key === null ? structuredClone(state[name])
      : (key in state[name] ? { [key]: structuredClone(state[name][key]) } : {}),
    set: async (items: Record<string, unknown>) => {
      if (name === "local" && state.full) throw new Error("QUOTA_BYTES quota exceeded");
      Object.assign(state[name], structuredClone(items));
    },
    remove: async (keys: string[]) => {
      for (const key of keys) delete state[name][key];
    },
  });
  return { state, browser: { storage: { local: area("local"), session: area("session") } } };
});
vi.mock("webextension-polyfill", () => ({ default: fake.browser }));
vi.spyOn(console, "warn").mockImplementation(() => undefined);

const { parseEntries, readChecked, readProblems, writeWithBackup } = await import("../../extension/background/checked-storage");
const { parseControlState } = await import("../../extension/background/ptz-control");
const { state } = fake;

const isNumber = (_key: string, v: unknown): v is number => typeof v === "number";
const parseNumbers = (raw: unknown) => parseEntries(raw, isNumber, "numbers");

beforeEach(() => {
  state.local = {};
  state.session = {};
  state.full = false;
});

describe("parseEntries", () => {
  it("reads nothing stored as empty, without a problem", () => {
    expect(parseNumbers(undefined)).toEqual({ value: {}, problem: null });
  });
  it("keeps the readable entries and says how many were not", () => {
    expect(parseNumbers({ a: 1, b: "x", c: null, d: 4 })).toEqual({ value: { a: 1, d: 4 }, problem: "2 of the numbers could not be read." });
  });
  it("reports a value that is not an object of entries", () => {
    for (const raw of [null, [], "text", 5]) expect(parseNumbers(raw).problem).toBe("The numbers could not be read.");
  });
});

describe("readChecked", () => {
  it("passes readable data through and writes nothing", async () => {
    state.session.numbers = { a: 1 };
    expect(await readChecked("session", "numbers", parseNumbers)).toEqual({ a: 1 });
    expect(state.local).toEqual({});
  });

  it("keeps the original as a backup and reports it before writing the readable part", async () => {
    state.session.numbers = { a: 1, b: "x" };
    expect(await readChecked("session", "numbers", parseNumbers)).toEqual({ a: 1 });
    expect(state.session.numbers).toEqual({ a: 1 });
    const problems = await readProblems();
    expect(problems).toHaveLength(1);
    expect(problems[0].reason).toBe("1 of the numbers could not be read.");
    expect(problems[0].backupKey).toMatch(/^backup:numbers:\d+$/);
    expect(state.local[problems[0].backupKey]).toEqual({ a: 1, b: "x" });
    // Read again: nothing new to report.
    await readChecked("session", "numbers", parseNumbers);
    expect(await readProblems()).toHaveLength(1);
  });

  it("reports two racing reads of the same bad value once", async () => {
    state.session.numbers = "garbage";
    await Promise.all([readChecked("session", "numbers", parseNumbers), readChecked("session", "numbers", parseNumbers)]);
    expect(await readProblems()).toHaveLength(1);
  });

  it("leaves the stored value alone when the backup cannot be written", async () => {
    state.local.numbers = { a: "x" };
    state.full = true;
    expect(await readChecked("local", "numbers", parseNumbers)).toEqual({});
    expect(state.local).toEqual({ numbers: { a: "x" } });
  });

  it("keeps an unreadable list of problems too, and reports it", async () => {
    state.local.storageProblems = { not: "a list" };
    state.session.numbers = 7;
    await readChecked("session", "numbers", parseNumbers);
    const problems = await readProblems();
    expect(problems.map((p) => p.reason)).toEqual(["The list of earlier storage problems could not be read.", "The numbers could not be read."]);
    expect(state.local[problems[0].backupKey]).toEqual({ not: "a list" });
  });
});

describe("parseControlState", () => {
  const session = {
    tabId: 1, frameId: 0, documentId: "D", origin: "https://a.example", site: "https://a.example", active: true, startedAt: 5,
    ranges: { pan: { min: 100, max: 400, step: 1 } }, values: { pan: 100 },
  };
  it("keeps valid sessions and reports the others", () => {
    expect(parseControlState({ owner: "https://a.example", sessions: [session, null, { tabId: "x" }], badged: { 1: 5, 2: "y" } }))
      .toEqual({ value: { owner: "https://a.example", sessions: [session], badged: { 1: 5 } }, problem: "2 pan/tilt/zoom sessions could not be read." });
  });
  it("reads nothing as no sessions, and garbage as a problem", () => {
    expect(parseControlState(undefined).problem).toBeNull();
    expect(parseControlState("x")).toEqual({ value: { owner: null, sessions: [], badged: {} }, problem: "The pan/tilt/zoom sessions could not be read." });
  });
});

describe("writeWithBackup", () => {
  it("writes the changes and the backup together, reports nothing and keeps the newest three", async () => {
    const now = vi.spyOn(Date, "now");
    for (let i = 1; i <= 5; i++) {
      now.mockReturnValue(1000 * i);
      expect(await writeWithBackup("settings-import", { n: i - 1 }, { settings: { n: i } })).toBe(`backup:settings-import:${1000 * i}`);
    }
    now.mockRestore();
    expect(state.local).toEqual({
      settings: { n: 5 },
      "backup:settings-import:3000": { n: 2 }, "backup:settings-import:4000": { n: 3 }, "backup:settings-import:5000": { n: 4 },
    });
    expect(await readProblems()).toEqual([]);
  });

  it("writes neither when storage is full", async () => {
    state.local.settings = { n: 0 };
    state.full = true;
    await expect(writeWithBackup("settings-import", { n: 0 }, { settings: { n: 1 } })).rejects.toThrow(/quota/);
    expect(state.local).toEqual({ settings: { n: 0 } });
  });
});
