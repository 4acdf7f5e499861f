import { describe, expect, it } from "vitest";
import { framesToInject } from "../../extension/background/bridge-file";
import { planFlagScripts } from "../../extension/background/site-flag-scripts";
import { emptySettings } from "../../extension/background/settings-schema";

describe("framesToInject", () => {
  const frames = [
    { frameId: 0, url: "https://top.example/" },
    { frameId: 1, url: "https://ads.example/banner" },
    { frameId: 2, url: "https://video.example/call" },
    { frameId: 3, url: "about:blank" },
    { frameId: 4, url: "about:srcdoc" },
    { frameId: 5, url: "https://video.example:8443/other-port" },
    { frameId: 6, url: "blob:https://video.example/1234" },
  ];

  it("picks the child frames of the asking origin and those whose URL hides their origin", () => {
    expect(framesToInject(frames, "https://video.example")).toEqual([2, 3, 4, 6]);
  });

  it("never the top frame, which has the half from the manifest", () => {
    expect(framesToInject(frames, "https://top.example")).toEqual([3, 4]);
  });

  it("an opaque origin (sandboxed frame) could be any child frame", () => {
    expect(framesToInject(frames, "null")).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("flag scripts carry the bridge", () => {
  it("appends the bridge after each flag script, so the site knows its settings at its first script", () => {
    const settings = { ...emptySettings(), sites: { "https://a.example": { semantics: "user-chooses" as const } } };
    const plan = planFlagScripts(settings, { "site-flag-user-chooses": "flag.js", "site-flag-hide-labels": "hide.js" }, "bridge.js");
    expect(plan).toEqual([{ id: "site-flag-user-chooses", js: ["flag.js", "bridge.js"], matches: ["https://a.example:443/*"], excludeMatches: [] }]);
  });
});
