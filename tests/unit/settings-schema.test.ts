import { describe, expect, it } from "vitest";
import {
  checkPatch, effectiveSettings, emptySettings, FACTORY_DEFAULTS, loadSettings, normalizeOrigin, patchSite,
  resetSite, SETTINGS_VERSION, siteConfigOf, type StoredSettings,
} from "../../extension/background/settings-schema";

const clone = <T>(value: T): T => structuredClone(value);

describe("loadSettings", () => {
  it("starts fresh when nothing is stored, without reporting a problem", () => {
    const result = loadSettings(undefined);
    expect(result.settings).toEqual({ version: SETTINGS_VERSION, defaults: FACTORY_DEFAULTS, sites: {} });
    expect(result.changed).toBe(true);
    expect(result.problem).toBeNull();
  });

  it("passes valid current settings unchanged", () => {
    const stored: StoredSettings = {
      version: 3,
      defaults: { semantics: "user-chooses", hideLabels: true, ptz: "block", powerSaving: true, blurBackground: false, frameFace: false },
      sites: {
        "https://example.com": { hideLabels: false },
        "http://localhost:8080": { semantics: "browser-chooses", ptz: "allow" },
      },
    };
    const original = clone(stored);
    const result = loadSettings(stored);
    expect(result.settings).toEqual(original);
    expect(result.changed).toBe(false);
    expect(result.problem).toBeNull();
    expect(stored).toEqual(original); // input not mutated
  });

  it("fills missing default fields from the factory defaults without a problem", () => {
    const result = loadSettings({ version: 3, defaults: { ptz: "allow" }, sites: {} });
    expect(result.settings.defaults).toEqual({ ...FACTORY_DEFAULTS, ptz: "allow" });
    expect(result.problem).toBeNull();
  });

  it("migrates the version 0 layout (top-level defaults, perSite, boolean userChooses)", () => {
    const legacy = {
      userChooses: true,
      hideLabels: true,
      perSite: {
        "https://a.example": { userChooses: false },
        "http://localhost:8080": { hideLabels: false, ptz: "block" },
        "https://b.example": { userChooses: true, hideLabels: true },
      },
    };
    const result = loadSettings(legacy);
    expect(result.settings).toEqual({
      version: 3,
      defaults: { semantics: "user-chooses", hideLabels: true, ptz: "ask", powerSaving: false, blurBackground: false, frameFace: false },
      sites: {
        "https://a.example": { semantics: "browser-chooses" },
        "http://localhost:8080": { hideLabels: false, ptz: "block" },
        "https://b.example": { semantics: "user-chooses", hideLabels: true },
      },
    });
    expect(result.changed).toBe(true);
    expect(result.problem).toBeNull();
  });

  it("migrates an explicit version 0 with userChooses false", () => {
    const result = loadSettings({ version: 0, userChooses: false, ptz: "allow" });
    expect(result.settings).toEqual({
      version: 3,
      defaults: { semantics: "browser-chooses", hideLabels: false, ptz: "allow", powerSaving: false, blurBackground: false, frameFace: false },
      sites: {},
    });
    expect(result.changed).toBe(true);
    expect(result.problem).toBeNull();
  });

  it("uses the defaults and reports a problem for settings from a newer version", () => {
    const newer = { version: SETTINGS_VERSION + 1, defaults: { semantics: "user-chooses" }, sites: {}, somethingNew: true };
    const result = loadSettings(newer);
    expect(result.settings).toEqual(emptySettings());
    expect(result.changed).toBe(true);
    expect(result.problem).toContain(`newer version (${SETTINGS_VERSION + 1})`);
  });

  it.each([
    ["null", null],
    ["a number", 42],
    ["a string", "settings"],
    ["a boolean", true],
    ["an array", [{ version: 1 }]],
  ])("reports a problem when the stored value is %s", (_label, raw) => {
    const result = loadSettings(raw);
    expect(result.settings).toEqual(emptySettings());
    expect(result.changed).toBe(true);
    expect(result.problem).toBe("stored settings were not an object");
  });

  it.each([
    ["a string version", "1"],
    ["a fractional version", 0.5],
    ["a negative version", -1],
    ["NaN", Number.NaN],
    ["null", null],
  ])("reports a problem for %s", (_label, version) => {
    const result = loadSettings({ version, defaults: { hideLabels: true }, sites: {} });
    expect(result.settings).toEqual(emptySettings());
    expect(result.changed).toBe(true);
    expect(result.problem).toMatch(/no valid version/);
  });

  it("drops and reports invalid field values, keeping the valid ones", () => {
    const result = loadSettings({
      version: 1,
      defaults: { semantics: "maybe", hideLabels: true, ptz: "allow" },
      sites: {
        "https://a.example": { hideLabels: "yes", ptz: "block" },
        "https://b.example": { semantics: 1 },
      },
    });
    expect(result.settings).toEqual({
      version: 3,
      defaults: { semantics: "browser-chooses", hideLabels: true, ptz: "allow", powerSaving: false, blurBackground: false, frameFace: false },
      sites: { "https://a.example": { ptz: "block" } },
    });
    expect(result.changed).toBe(true);
    expect(result.problem).toContain('defaults.semantics: invalid value "maybe"');
    expect(result.problem).toContain('sites["https://a.example"].hideLabels: invalid value "yes"');
    expect(result.problem).toContain('sites["https://b.example"].semantics: invalid value 1');
  });

  it("drops and reports entries whose key is not an http(s) origin or whose value is not an object", () => {
    const result = loadSettings({
      version: 1,
      defaults: { ...FACTORY_DEFAULTS },
      sites: {
        "https://good.example": { hideLabels: true },
        "file:///etc/passwd": { hideLabels: true },
        "javascript:alert(1)": { hideLabels: true },
        "not a url": { hideLabels: true },
        "https://bad-entry.example": "yes",
        "https://array-entry.example": [true],
      },
    });
    expect(result.settings.sites).toEqual({ "https://good.example": { hideLabels: true } });
    expect(result.changed).toBe(true);
    for (const key of ["file:///etc/passwd", "javascript:alert(1)", "not a url"]) {
      expect(result.problem).toContain(`sites["${key}"]: not an http(s) origin`);
    }
    for (const key of ["https://bad-entry.example", "https://array-entry.example"]) {
      expect(result.problem).toContain(`sites["${key}"]: not an object`);
    }
  });

  it("stores sites under their canonical origin", () => {
    const result = loadSettings({
      version: 1, defaults: { ...FACTORY_DEFAULTS }, sites: { "https://Example.COM:443/some/path": { ptz: "block" } },
    });
    expect(result.settings.sites).toEqual({ "https://example.com": { ptz: "block" } });
  });

  it("reports unknown top-level fields and unknown per-site settings", () => {
    const result = loadSettings({
      version: 1,
      defaults: { ...FACTORY_DEFAULTS },
      sites: { "https://a.example": { hideLabels: true, colour: "red", volume: 3 } },
      extra: 1,
    });
    expect(result.settings).toEqual({
      version: 3, defaults: FACTORY_DEFAULTS, sites: { "https://a.example": { hideLabels: true } },
    });
    expect(result.changed).toBe(true);
    expect(result.problem).toContain("extra: unknown field");
    expect(result.problem).toContain('sites["https://a.example"].colour: unknown setting; sites["https://a.example"].volume: unknown setting');
  });

  it("reports unknown default settings", () => {
    const result = loadSettings({ version: 1, defaults: { ...FACTORY_DEFAULTS, volume: 3 }, sites: {} });
    expect(result.settings).toEqual(emptySettings());
    expect(result.problem).toBe("defaults.volume: unknown setting");
  });

  it("reports per-site keys that merely exist on Object.prototype as unknown", () => {
    const entry = JSON.parse('{"hideLabels": true, "toString": 1, "__proto__": 2}');
    const result = loadSettings({ version: 1, defaults: { ...FACTORY_DEFAULTS }, sites: { "https://a.example": entry } });
    expect(result.settings.sites).toEqual({ "https://a.example": { hideLabels: true } });
    expect(result.problem).toContain('sites["https://a.example"].toString: unknown setting; sites["https://a.example"].__proto__: unknown setting');
  });

  it("reports missing defaults and sites", () => {
    const result = loadSettings({ version: 1 });
    expect(result.settings).toEqual(emptySettings());
    expect(result.changed).toBe(true);
    expect(result.problem).toContain("defaults: missing");
    expect(result.problem).toContain("sites: missing");
  });

  it("returns settings that load again unchanged", () => {
    const first = loadSettings({
      version: 1,
      defaults: { semantics: "nope", hideLabels: true },
      sites: { "https://a.example": { ptz: "allow", junk: 1 }, "ftp://x": {} },
      extra: true,
    });
    expect(first.problem).not.toBeNull();
    const second = loadSettings(clone(first.settings));
    expect(second).toEqual({ settings: first.settings, changed: false, problem: null });
  });
});

describe("checkPatch", () => {
  it.each([
    [{}],
    [{ semantics: "user-chooses" }],
    [{ semantics: "browser-chooses" }],
    [{ hideLabels: false }],
    [{ ptz: "block", hideLabels: true }],
    [{ semantics: "user-chooses", hideLabels: true, ptz: "allow" }],
  ])("accepts %j", (patch) => {
    expect(checkPatch(patch)).toBeNull();
  });

  it.each([
    [{ foo: 1 }, 'unknown setting "foo"'],
    [{ hideLabels: true, version: 1 }, 'unknown setting "version"'],
    [{ constructor: 1 }, 'unknown setting "constructor"'],
    [{ toString: "x" }, 'unknown setting "toString"'],
    [{ valueOf: 1 }, 'unknown setting "valueOf"'],
    [JSON.parse('{"__proto__": {"hideLabels": true}}'), 'unknown setting "__proto__"'],
    [{ semantics: "maybe" }, 'invalid value for "semantics"'],
    [{ semantics: true }, 'invalid value for "semantics"'],
    [{ hideLabels: "true" }, 'invalid value for "hideLabels"'],
    [{ hideLabels: 1 }, 'invalid value for "hideLabels"'],
    [{ ptz: "sometimes" }, 'invalid value for "ptz"'],
    [{ ptz: undefined }, 'invalid value for "ptz"'],
    [{ ptz: null }, 'invalid value for "ptz"'],
  ])("rejects %j", (patch, error) => {
    expect(checkPatch(patch)).toBe(error);
  });

  it.each([[null], [undefined], ["hideLabels"], [42], [true], [[]], [[{ hideLabels: true }]]])(
    "rejects the non-object %j",
    (patch) => {
      expect(checkPatch(patch)).toBe("settings must be an object");
    },
  );
});

describe("normalizeOrigin", () => {
  it.each([
    ["https://example.com", "https://example.com"],
    ["https://example.com/path/page.html?q=1#frag", "https://example.com"],
    ["HTTPS://Example.COM/", "https://example.com"],
    ["https://example.com:443/", "https://example.com"],
    ["http://example.com:80", "http://example.com"],
    ["http://localhost:8080/x", "http://localhost:8080"],
    ["https://user:pass@example.com/", "https://example.com"],
    ["http://[::1]:3000/", "http://[::1]:3000"],
  ])("normalizes %s to %s", (input, expected) => {
    expect(normalizeOrigin(input)).toBe(expected);
  });

  it.each([
    ["file:///etc/passwd"],
    ["javascript:alert(1)"],
    ["data:text/html,hi"],
    ["ftp://example.com"],
    ["chrome-extension://abcdefghijklmnop/popup.html"],
    ["about:blank"],
    ["not a url"],
    ["example.com"],
    [""],
  ])("rejects %s", (input) => {
    expect(normalizeOrigin(input)).toBeNull();
  });

  it.each([[null], [undefined], [42], [{ href: "https://example.com" }], [new URL("https://example.com")]])(
    "rejects the non-string %s",
    (input) => {
      expect(normalizeOrigin(input)).toBeNull();
    },
  );

  it("rejects over-long input but accepts input up to 2048 characters", () => {
    const base = "https://example.com/";
    const atLimit = base + "a".repeat(2048 - base.length);
    expect(atLimit).toHaveLength(2048);
    expect(normalizeOrigin(atLimit)).toBe("https://example.com");
    expect(normalizeOrigin(atLimit + "a")).toBeNull();
  });
});

describe("effectiveSettings", () => {
  const settings: StoredSettings = {
    version: 3,
    defaults: { semantics: "browser-chooses", hideLabels: true, ptz: "ask", powerSaving: false, blurBackground: false, frameFace: false },
    sites: { "https://a.example": { semantics: "user-chooses", ptz: "block" } },
  };

  it("overlays a site's own settings on the defaults", () => {
    expect(effectiveSettings(settings, "https://a.example")).toEqual({
      semantics: "user-chooses", hideLabels: true, ptz: "block", powerSaving: false, blurBackground: false, frameFace: false,
    });
  });

  it("uses the defaults for other sites and for no origin", () => {
    expect(effectiveSettings(settings, "https://b.example")).toEqual(settings.defaults);
    expect(effectiveSettings(settings, null)).toEqual(settings.defaults);
  });

  it("returns a copy, not the stored defaults", () => {
    const effective = effectiveSettings(settings, null);
    effective.hideLabels = false;
    expect(settings.defaults.hideLabels).toBe(true);
  });

  it("feeds siteConfigOf with semantics, hideLabels, the PTZ permission and power saving", () => {
    expect(siteConfigOf(effectiveSettings(settings, "https://a.example"))).toEqual({
      semantics: "user-chooses", hideLabels: true, ptz: "block", powerSaving: false, blurBackground: false, frameFace: false,
    });
  });
});

describe("patchSite and resetSite", () => {
  it("merges a patch into a site's settings without mutating the input", () => {
    const settings: StoredSettings = {
      version: 3, defaults: { ...FACTORY_DEFAULTS }, sites: { "https://a.example": { ptz: "block" } },
    };
    const original = clone(settings);
    const next = patchSite(settings, "https://a.example", { hideLabels: true });
    expect(next.sites["https://a.example"]).toEqual({ ptz: "block", hideLabels: true });
    expect(settings).toEqual(original);
  });

  it("keeps explicit values equal to the defaults", () => {
    const next = patchSite(emptySettings(), "https://a.example", { semantics: "browser-chooses", hideLabels: false });
    expect(next.sites).toEqual({ "https://a.example": { semantics: "browser-chooses", hideLabels: false } });
    // The explicit choice survives a later change of the default.
    const changedDefault: StoredSettings = { ...next, defaults: { ...next.defaults, hideLabels: true } };
    expect(effectiveSettings(changedDefault, "https://a.example").hideLabels).toBe(false);
    expect(loadSettings(clone(next)).settings).toEqual(next);
  });

  it("resetSite removes only that site's settings", () => {
    let settings = patchSite(emptySettings(), "https://a.example", { ptz: "allow" });
    settings = patchSite(settings, "https://b.example", { hideLabels: true });
    const next = resetSite(settings, "https://a.example");
    expect(next.sites).toEqual({ "https://b.example": { hideLabels: true } });
    expect("https://a.example" in next.sites).toBe(false);
    expect(settings.sites["https://a.example"]).toEqual({ ptz: "allow" }); // input untouched
    expect(effectiveSettings(next, "https://a.example")).toEqual(FACTORY_DEFAULTS);
  });

  it("resetSite on a site without settings changes nothing", () => {
    const settings = patchSite(emptySettings(), "https://a.example", { ptz: "allow" });
    expect(resetSite(settings, "https://other.example")).toEqual(settings);
  });
});
