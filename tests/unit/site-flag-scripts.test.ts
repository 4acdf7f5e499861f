import { describe, expect, it } from "vitest";
import { FLAG_SCRIPT_IDS, originToPattern, planFlagScripts } from "../../extension/background/site-flag-scripts";
import {
  emptySettings, FACTORY_DEFAULTS, type SiteSettings, type SiteSettingsPatch, type StoredSettings,
} from "../../extension/background/settings-schema";

const USER_CHOOSES = "site-flag-user-chooses";
const HIDE_LABELS = "site-flag-hide-labels";
const POWER_SAVING = "site-flag-power-saving";
const BLUR_BACKGROUND = "site-flag-blur-background";
const FRAME_FACE = "site-flag-frame-face";
const FILES = {
  [USER_CHOOSES]: "assets/user-chooses.js", [HIDE_LABELS]: "assets/hide-labels.js", [POWER_SAVING]: "assets/power-saving.js",
  [BLUR_BACKGROUND]: "assets/blur-background.js", [FRAME_FACE]: "assets/frame-face.js",
};

function settingsWith(defaults: Partial<SiteSettings>, sites: Record<string, SiteSettingsPatch> = {}): StoredSettings {
  return { version: 3, defaults: { ...FACTORY_DEFAULTS, ...defaults }, sites };
}

describe("originToPattern", () => {
  it.each([
    ["https://example.com", "https://example.com:443/*"],
    ["http://example.com", "http://example.com:80/*"],
    ["https://example.com:443", "https://example.com:443/*"],
    ["http://example.com:80", "http://example.com:80/*"],
    ["https://example.com:8443", "https://example.com:8443/*"],
    ["http://localhost:8080", "http://localhost:8080/*"],
    ["http://example.com:443", "http://example.com:443/*"],
    ["https://sub.Example.COM", "https://sub.example.com:443/*"],
    ["http://127.0.0.1:3000", "http://127.0.0.1:3000/*"],
    ["https://bücher.example", "https://xn--bcher-kva.example:443/*"],
  ])("maps %s to %s", (origin, pattern) => {
    expect(originToPattern(origin)).toBe(pattern);
  });

  it.each([
    ["file:///etc/passwd"],
    ["ftp://example.com"],
    ["ws://example.com"],
    ["chrome://settings"],
    ["javascript:alert(1)"],
    ["data:text/html,x"],
    ["http://[::1]"],
    ["https://[2001:db8::1]:8443"],
    ["not an origin"],
    [""],
  ])("rejects %s", (origin) => {
    expect(originToPattern(origin)).toBeNull();
  });
});

describe("planFlagScripts", () => {
  it("registers nothing for factory settings", () => {
    expect(planFlagScripts(emptySettings(), FILES)).toEqual([]);
  });

  it("with a flag off by default and on for one site, matches only that site", () => {
    const plan = planFlagScripts(settingsWith({}, { "https://a.example": { semantics: "user-chooses" } }), FILES);
    expect(plan).toEqual([{
      id: USER_CHOOSES,
      js: ["assets/user-chooses.js"],
      matches: ["https://a.example:443/*"],
      excludeMatches: [],
    }]);
  });

  it("Blur my background for one site is a flag script of that site only", () => {
    const plan = planFlagScripts(settingsWith({}, { "https://a.example": { blurBackground: true }, "https://b.example": { blurBackground: false } }), FILES);
    expect(plan).toEqual([{
      id: BLUR_BACKGROUND,
      js: ["assets/blur-background.js"],
      matches: ["https://a.example:443/*"],
      excludeMatches: [],
    }]);
  });

  it("Save camera power for one site is a flag script of that site only", () => {
    const plan = planFlagScripts(settingsWith({}, { "http://localhost:8080": { powerSaving: true }, "https://b.example": { powerSaving: false } }), FILES);
    expect(plan).toEqual([{
      id: POWER_SAVING,
      js: ["assets/power-saving.js"],
      matches: ["http://localhost:8080/*"],
      excludeMatches: [],
    }]);
  });

  it("with a flag on by default and off for one site, matches all URLs except that site", () => {
    const plan = planFlagScripts(settingsWith({ hideLabels: true }, { "http://localhost:8080": { hideLabels: false } }), FILES);
    expect(plan).toEqual([{
      id: HIDE_LABELS,
      js: ["assets/hide-labels.js"],
      matches: ["<all_urls>"],
      excludeMatches: ["http://localhost:8080/*"],
    }]);
  });

  it("with a flag on by default and no exceptions, matches all URLs", () => {
    const plan = planFlagScripts(settingsWith({ semantics: "user-chooses", hideLabels: true }), FILES);
    expect(plan).toEqual([
      { id: USER_CHOOSES, js: ["assets/user-chooses.js"], matches: ["<all_urls>"], excludeMatches: [] },
      { id: HIDE_LABELS, js: ["assets/hide-labels.js"], matches: ["<all_urls>"], excludeMatches: [] },
    ]);
  });

  it("does not list sites whose override equals the default", () => {
    const off = planFlagScripts(settingsWith({}, {
      "https://same.example": { semantics: "browser-chooses", hideLabels: false },
    }), FILES);
    expect(off).toEqual([]);

    const on = planFlagScripts(settingsWith({ hideLabels: true }, {
      "https://same.example": { hideLabels: true },
      "https://differs.example": { hideLabels: false },
    }), FILES);
    expect(on).toEqual([{
      id: HIDE_LABELS, js: ["assets/hide-labels.js"], matches: ["<all_urls>"], excludeMatches: ["https://differs.example:443/*"],
    }]);
  });

  it("ignores sites that only set other fields", () => {
    const plan = planFlagScripts(settingsWith({}, { "https://a.example": { ptz: "block" } }), FILES);
    expect(plan).toEqual([]);
  });

  it("plans each flag independently from the same sites", () => {
    const plan = planFlagScripts(settingsWith({ hideLabels: true }, {
      "https://a.example": { semantics: "user-chooses", hideLabels: false },
      "http://b.example:8080": { semantics: "user-chooses" },
      "https://c.example": { semantics: "browser-chooses", hideLabels: true },
    }), FILES);
    expect(plan).toEqual([
      {
        id: USER_CHOOSES, js: ["assets/user-chooses.js"],
        matches: ["https://a.example:443/*", "http://b.example:8080/*"], excludeMatches: [],
      },
      {
        id: HIDE_LABELS, js: ["assets/hide-labels.js"],
        matches: ["<all_urls>"], excludeMatches: ["https://a.example:443/*"],
      },
    ]);
  });

  it("skips origins that no match pattern can express", () => {
    const plan = planFlagScripts(settingsWith({}, {
      "http://[::1]:8080": { semantics: "user-chooses" },
      "https://a.example": { semantics: "user-chooses" },
    }), FILES);
    expect(plan).toEqual([{
      id: USER_CHOOSES, js: ["assets/user-chooses.js"], matches: ["https://a.example:443/*"], excludeMatches: [],
    }]);
    expect(planFlagScripts(settingsWith({}, { "http://[::1]:8080": { hideLabels: true } }), FILES)).toEqual([]);
  });

  it("uses the built script files when no file names are given", () => {
    const plan = planFlagScripts(settingsWith({ semantics: "user-chooses", hideLabels: true }));
    expect(plan.map((script) => script.js)).toEqual([
      ["extension/content/site-flags/user-chooses.iife.js"],
      ["extension/content/site-flags/hide-labels.iife.js"],
    ]);
  });

  it("only plans scripts with the known ids", () => {
    const plan = planFlagScripts(settingsWith({ semantics: "user-chooses", hideLabels: true, powerSaving: true, blurBackground: true, frameFace: true }), FILES);
    expect(FLAG_SCRIPT_IDS).toEqual([USER_CHOOSES, HIDE_LABELS, POWER_SAVING, BLUR_BACKGROUND, FRAME_FACE]);
    expect(plan.map((script) => script.id)).toEqual(FLAG_SCRIPT_IDS);
  });
});
