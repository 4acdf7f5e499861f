import { describe, expect, it } from "vitest";
import {
  addEntries, clearHistory, emptyHistory, loadHistory, MAX_ENTRIES_PER_SITE, MAX_HISTORY_BYTES, MAX_HISTORY_ENTRIES, perDay, prune, shareOf,
  toCsvExport, toJsonExport,
  type HistoryEntry,
} from "../../extension/background/tracking-history";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 21, 12);
const entry = (over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  origin: "https://a.example", topOrigin: null, kind: "video", label: "Cam", start: NOW - 60_000, end: NOW, ...over,
});

describe("capture history", () => {
  it("reads nothing as empty, and keeps valid entries of damaged data with a problem to report", () => {
    expect(loadHistory(undefined)).toEqual({ history: emptyHistory() });
    expect(loadHistory("garbage").problem).toMatch(/could not be read/);
    expect(loadHistory({ version: 2, entries: [] }).problem).toMatch(/unknown version/);
    const mixed = loadHistory({ version: 1, retentionDays: 30, entries: [entry(), { origin: 5 }, entry({ end: 0 })] });
    expect(mixed.history.entries).toEqual([entry()]);
    expect(mixed.history.retentionDays).toBe(30);
    expect(mixed.problem).toMatch(/2 capture history entries/);
  });

  it("drops entries older than the retention period and the oldest beyond the cap", () => {
    const h = { ...emptyHistory(), retentionDays: 10 };
    const kept = addEntries(h, [entry({ start: NOW - 11 * DAY, end: NOW - 11 * DAY + 1 }), entry()], NOW);
    expect(kept.entries).toEqual([entry()]);
    const many = Array.from({ length: MAX_HISTORY_ENTRIES + 5 }, (_, i) =>
      entry({ origin: `https://s${i % 20}.example`, start: NOW - 100_000 + i, end: NOW - 100_000 + i + 1 }));
    const capped = prune({ ...emptyHistory(), entries: many }, NOW);
    expect(capped.entries).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(capped.entries[0].start).toBe(NOW - 100_000 + 5);
  });

  it("keeps one site from pushing the others out", () => {
    const other = entry({ origin: "https://quiet.example", start: NOW - 5000, end: NOW - 4000 });
    const flood = Array.from({ length: MAX_ENTRIES_PER_SITE + 10 }, (_, i) => entry({ start: NOW - 3000 + i, end: NOW - 3000 + i + 1 }));
    const pruned = prune({ ...emptyHistory(), entries: [other, ...flood] }, NOW);
    expect(pruned.entries[0]).toEqual(other);
    expect(pruned.entries).toHaveLength(MAX_ENTRIES_PER_SITE + 1);
    // The flooding site keeps its newest.
    expect(pruned.entries[1].start).toBe(NOW - 3000 + 10);
  });

  it("counts subdomains and embedded frames in the share of the site in the address bar", () => {
    expect(shareOf(entry({ origin: "https://a.b.evil.example" }))).toBe("evil.example");
    expect(shareOf(entry({ origin: "https://meet.vendor.example", topOrigin: "https://x.intranet.example" }))).toBe("intranet.example");
    expect(shareOf(entry({ origin: "http://127.0.0.1:8080" }))).toBe("127.0.0.1");
    expect(shareOf(entry({ origin: "http://localhost:3000" }))).toBe("localhost");
    const quiet = entry({ origin: "https://quiet.example", start: NOW - 5000, end: NOW - 4000 });
    // A page flooding from many subdomains: one share for all of them.
    const flood = Array.from({ length: 3 * MAX_ENTRIES_PER_SITE }, (_, i) =>
      entry({ origin: `https://s${i % 30}.evil.example`, start: NOW - 3000 + i, end: NOW - 3000 + i + 1 }));
    const pruned = prune({ ...emptyHistory(), entries: [quiet, ...flood] }, NOW);
    expect(pruned.entries).toHaveLength(MAX_ENTRIES_PER_SITE + 1);
    expect(pruned.entries[0]).toEqual(quiet);
  });

  it("over the cap, takes from the sites that hold the most: a flood from many sites leaves the others their latest", () => {
    const mine = Array.from({ length: 50 }, (_, i) => entry({ origin: "https://mine.example", start: NOW - 90_000 + i, end: NOW - 90_000 + i + 1 }));
    const flood = Array.from({ length: MAX_HISTORY_ENTRIES + 2000 }, (_, i) =>
      entry({ origin: `https://x.site${i % 12}.example`, start: NOW - 50_000 + i, end: NOW - 50_000 + i + 1 }));
    const pruned = prune({ ...emptyHistory(), entries: [...mine, ...flood] }, NOW);
    expect(pruned.entries.length).toBeLessThanOrEqual(MAX_HISTORY_ENTRIES);
    expect(pruned.entries.filter((e) => e.origin === "https://mine.example")).toHaveLength(50);
  });

  it("keeps the history within its size in bytes, whatever the labels", () => {
    const label = "\u6f22".repeat(256);
    const big = Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) =>
      entry({ origin: `https://site${i % 40}.example`, label, start: NOW - 90_000 + i, end: NOW - 90_000 + i + 1 }));
    const pruned = prune({ ...emptyHistory(), entries: big }, NOW);
    expect(new TextEncoder().encode(JSON.stringify(pruned.entries)).length).toBeLessThan(MAX_HISTORY_BYTES * 1.1);
    expect(pruned.entries.length).toBeGreaterThan(1000);
  });

  it("clears one site or all", () => {
    const h = { ...emptyHistory(), entries: [entry(), entry({ origin: "https://b.example" })] };
    expect(clearHistory(h, "https://a.example").entries.map((e) => e.origin)).toEqual(["https://b.example"]);
    expect(clearHistory(h).entries).toEqual([]);
  });

  it("exports JSON with ISO times and durations", () => {
    const parsed = JSON.parse(toJsonExport([entry()]));
    expect(parsed.entries).toEqual([{
      origin: "https://a.example", topOrigin: null, kind: "video", label: "Cam",
      start: new Date(NOW - 60_000).toISOString(), end: new Date(NOW).toISOString(), durationSeconds: 60,
    }]);
  });

  it("exports CSV that quotes commas, quotes and line breaks, and defuses formulas", () => {
    const csv = toCsvExport([entry({ label: 'Cam, "HD"\nrear' }), entry({ label: "=cmd()" })]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("origin,top_origin,kind,label,start,end,duration_seconds");
    expect(csv).toContain('"Cam, ""HD""\nrear"');
    expect(csv).toContain(",'=cmd(),");
    expect(csv.endsWith("\r\n")).toBe(true);
  });

  it("sums camera and microphone time per day, splitting at midnight", () => {
    const midnight = new Date(NOW);
    midnight.setHours(0, 0, 0, 0);
    const days = perDay([
      entry({ start: midnight.getTime() - 30_000, end: midnight.getTime() + 60_000 }),
      entry({ kind: "audio", start: midnight.getTime() + 1000, end: midnight.getTime() + 11_000 }),
    ], 3, NOW);
    expect(days).toHaveLength(3);
    expect(days[1]).toMatchObject({ video: 30, audio: 0 });
    expect(days[2]).toMatchObject({ video: 60, audio: 10 });
  });
});
