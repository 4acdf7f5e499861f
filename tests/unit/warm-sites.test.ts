import { describe, expect, it } from "vitest";
import { MAX_WARM_SITES, warmPatterns } from "../../extension/background/warm-sites";
import type { HistoryEntry } from "../../extension/background/tracking-history";

const entry = (origin: string, end: number, topOrigin: string | null = null): HistoryEntry =>
  ({ origin, topOrigin, kind: "video", label: "cam", start: end - 1000, end });

describe("warmPatterns (the sites whose top frames load the pack at start)", () => {
  it("takes the sites captured on in a top frame, most recent first, each once", () => {
    const entries = [
      entry("https://a.example", 100), entry("https://b.example", 300), entry("https://a.example", 500),
      entry("http://localhost:8080", 200),
    ];
    expect(warmPatterns(entries)).toEqual(["https://a.example:443/*", "https://b.example:443/*", "http://localhost:8080/*"]);
  });

  it("leaves out captures in embedded frames, and origins a match pattern cannot name", () => {
    const entries = [
      entry("https://widget.example", 900, "https://host.example"), entry("file://", 800), entry("https://[::1]:8443", 700),
      entry("https://kept.example", 600),
    ];
    expect(warmPatterns(entries)).toEqual(["https://kept.example:443/*"]);
  });

  it("keeps at most the newest MAX_WARM_SITES, and none for an empty history", () => {
    const entries = Array.from({ length: MAX_WARM_SITES + 5 }, (_, i) => entry(`https://s${i}.example`, i));
    const patterns = warmPatterns(entries);
    expect(patterns).toHaveLength(MAX_WARM_SITES);
    expect(patterns[0]).toBe(`https://s${MAX_WARM_SITES + 4}.example:443/*`);
    expect(patterns).not.toContain("https://s0.example:443/*");
    expect(warmPatterns([])).toEqual([]);
  });
});
