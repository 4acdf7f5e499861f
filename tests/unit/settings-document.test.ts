import { describe, expect, it, vi } from "vitest";

// remembered.ts (whose checks the import reuses) loads the polyfill, which refuses to load outside
// an extension; the functions tested here do not touch storage.
vi.mock("webextension-polyfill", () => ({ default: {} }));
const { MAX_IMPORT_BYTES, readSettingsDocument, SETTINGS_FORMAT, toSettingsDocument } =
  await import("../../extension/background/settings-document");
const { FACTORY_DEFAULTS, SETTINGS_VERSION } = await import("../../extension/background/settings-schema");

const settings = {
  version: SETTINGS_VERSION,
  defaults: { semantics: "user-chooses", hideLabels: true, ptz: "ask", powerSaving: true, blurBackground: false, frameFace: false },
  sites: {
    "https://a.example": { semantics: "browser-chooses", ptz: "block" },
    "http://localhost:8080": { hideLabels: false },
  },
} as const;
const remembered = { "https://a.example": { video: "Integrated Camera", audio: "USB Mic" } };

/** A valid exported file, with `change` applied to its parsed form. */
function file(change: (doc: Record<string, any>) => void = () => undefined): string {
  const doc = JSON.parse(JSON.stringify(toSettingsDocument(structuredClone(settings) as never, remembered, new Date("2026-12-01T10:00:00Z"))));
  change(doc);
  return JSON.stringify(doc);
}

const refusal = (text: string) => {
  try {
    readSettingsDocument(text);
  } catch (error) {
    expect((error as Error).name).toBe("ImportError");
    return (error as Error).message;
  }
  throw new Error("the file was accepted");
};

describe("toSettingsDocument", () => {
  it("writes a versioned document of the settings and remembered devices", () => {
    expect(JSON.parse(file())).toEqual({
      format: "capture-control-settings",
      version: SETTINGS_VERSION,
      exportedAt: "2026-12-01T10:00:00.000Z",
      settings: { defaults: settings.defaults, sites: settings.sites },
      rememberedDevices: remembered,
    });
  });
});

describe("readSettingsDocument", () => {
  it("reads back exactly what was exported", () => {
    expect(readSettingsDocument(file())).toEqual({
      settings,
      rememberedDevices: remembered,
      summary: { version: SETTINGS_VERSION, exportedAt: "2026-12-01T10:00:00.000Z", sites: 2, rememberedDevices: 1 },
    });
  });

  it("leaves remembered devices alone when the file has none", () => {
    const read = readSettingsDocument(file((doc) => delete doc.rememberedDevices));
    expect(read.rememberedDevices).toBeNull();
    expect(read.summary.rememberedDevices).toBeNull();
  });

  it("fills default fields the file leaves out and stores sites under their canonical origin", () => {
    const read = readSettingsDocument(file((doc) => {
      doc.settings.defaults = { hideLabels: true };
      doc.settings.sites = { "https://A.example:443/path": { ptz: "allow" } };
    }));
    expect(read.settings).toEqual({
      version: SETTINGS_VERSION, defaults: { ...FACTORY_DEFAULTS, hideLabels: true }, sites: { "https://a.example": { ptz: "allow" } },
    });
  });

  it("takes a version 0 document through the store's migrations", () => {
    const read = readSettingsDocument(JSON.stringify({
      format: SETTINGS_FORMAT, version: 0,
      settings: { userChooses: true, perSite: { "https://old.example": { userChooses: false, hideLabels: true } } },
    }));
    expect(read.settings).toEqual({
      version: SETTINGS_VERSION,
      defaults: { ...FACTORY_DEFAULTS, semantics: "user-chooses" },
      sites: { "https://old.example": { semantics: "browser-chooses", hideLabels: true } },
    });
    expect(read.summary).toMatchObject({ version: 0, exportedAt: null, sites: 1 });
  });

  it("takes a version 1 document (before Save camera power) through the migration that adds it, off", () => {
    const read = readSettingsDocument(JSON.stringify({
      format: SETTINGS_FORMAT, version: 1, exportedAt: "2026-11-20T10:00:00.000Z",
      settings: { defaults: { semantics: "browser-chooses", hideLabels: true, ptz: "block" }, sites: { "https://a.example": { ptz: "allow" } } },
    }));
    expect(read.settings).toEqual({
      version: SETTINGS_VERSION,
      defaults: { semantics: "browser-chooses", hideLabels: true, ptz: "block", powerSaving: false, blurBackground: false, frameFace: false },
      sites: { "https://a.example": { ptz: "allow" } },
    });
  });

  it("refuses a version 0 document with invalid entries instead of dropping them", () => {
    expect(refusal(JSON.stringify({
      format: SETTINGS_FORMAT, version: 0, settings: { perSite: { "https://old.example": { userChooses: false, ptz: "sideways" } } },
    }))).toBe('settings.sites["https://old.example"].ptz: invalid value "sideways"');
  });

  it.each<[string, string, string]>([
    ["text that is not JSON", "{ settings: nope", "the file is not JSON"],
    ["an empty file", "", "the file is not JSON"],
    ["an array", "[]", "the file holds no settings object"],
    ["null", "null", "the file holds no settings object"],
    ["a history export", JSON.stringify({ format: "capture-control-history", version: 1, entries: [] }),
      'format: expected "capture-control-settings", found "capture-control-history"'],
    ["no format", JSON.stringify({ version: 1, settings: {} }), 'format: expected "capture-control-settings", found null'],
    ["a newer version", file((doc) => { doc.version = SETTINGS_VERSION + 1; }),
      `version: the file is from a newer Capture Control (settings version ${SETTINGS_VERSION + 1}; this one reads up to ${SETTINGS_VERSION})`],
    ["a version that is a string", file((doc) => { doc.version = "1"; }), 'version: invalid value "1"'],
    ["a fractional version", file((doc) => { doc.version = 0.5; }), "version: invalid value 0.5"],
    ["a negative version", file((doc) => { doc.version = -1; }), "version: invalid value -1"],
    ["no version", file((doc) => { delete doc.version; }), "version: invalid value null"],
    ["an unknown top-level field", file((doc) => { doc.history = []; }), "history: unknown field"],
    ["a version inside the settings", file((doc) => { doc.settings.version = 1; }), "settings.version: unknown field"],
    ["no settings", file((doc) => { delete doc.settings; }), "settings: missing"],
    ["settings that are not an object", file((doc) => { doc.settings = [1]; }), "settings: missing"],
    ["no defaults", file((doc) => { delete doc.settings.defaults; }), "settings.defaults: missing"],
    ["no sites", file((doc) => { doc.settings.sites = "all"; }), "settings.sites: missing"],
    ["an invalid value", file((doc) => { doc.settings.sites["https://a.example"].hideLabels = "yes"; }),
      'settings.sites["https://a.example"].hideLabels: invalid value "yes"'],
    ["an invalid default", file((doc) => { doc.settings.defaults.ptz = "sometimes"; }),
      'settings.defaults.ptz: invalid value "sometimes"'],
    ["an unknown site setting", file((doc) => { doc.settings.sites["https://a.example"].volume = 11; }),
      'settings.sites["https://a.example"].volume: unknown setting'],
    ["an unknown default setting", file((doc) => { doc.settings.defaults.userChooses = true; }),
      "settings.defaults.userChooses: unknown setting"],
    ["a non-http(s) origin", file((doc) => { doc.settings.sites["javascript:alert(1)"] = { hideLabels: true }; }),
      'settings.sites["javascript:alert(1)"]: not an http(s) origin'],
    ["a file: origin", file((doc) => { doc.settings.sites["file:///etc/passwd"] = { hideLabels: true }; }),
      'settings.sites["file:///etc/passwd"]: not an http(s) origin'],
    ["a site entry that is not an object", file((doc) => { doc.settings.sites["https://b.example"] = true; }),
      'settings.sites["https://b.example"]: not an object'],
    ["an exportedAt that is not text", file((doc) => { doc.exportedAt = 5; }), "exportedAt: invalid value 5"],
    ["remembered devices that are not an object", file((doc) => { doc.rememberedDevices = []; }),
      "rememberedDevices: not an object"],
    ["a remembered device of an unknown kind", file((doc) => { doc.rememberedDevices["https://a.example"].screen = "x"; }),
      'rememberedDevices["https://a.example"].screen: unknown kind of device'],
    ["a remembered device name that is too long", file((doc) => { doc.rememberedDevices["https://a.example"].video = "x".repeat(513); }),
      `rememberedDevices["https://a.example"].video: invalid device name "${"x".repeat(56)}...`],
    ["a remembered device for a non-http(s) origin", file((doc) => { doc.rememberedDevices["chrome://settings"] = { video: "Cam" }; }),
      'rememberedDevices["chrome://settings"]: not an http(s) origin'],
  ])("refuses %s", (_label, text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it("names several problems at once, and cuts a flood short", () => {
    const message = refusal(file((doc) => {
      for (let i = 0; i < 8; i++) doc.settings.sites[`https://s${i}.example`] = { ptz: i };
    }));
    expect(message).toBe([0, 1, 2, 3, 4].map((i) => `settings.sites["https://s${i}.example"].ptz: invalid value ${i}`).join("; ") +
      "; and 3 more");
  });

  it("does not let a key reach the prototype", () => {
    const message = refusal(file((doc) => { doc.settings.sites = JSON.parse('{"__proto__": {"hideLabels": true}}'); }));
    expect(message).toBe('settings.sites.__proto__: not an http(s) origin');
    expect(({} as Record<string, unknown>).hideLabels).toBeUndefined();
  });

  it("refuses a file over 1 MB, counted in UTF-8 bytes", () => {
    expect(MAX_IMPORT_BYTES).toBe(1_000_000);
    const padded = (label: string) => file((doc) => { doc.exportedAt = label; });
    const base = padded("").length;
    // Just at the limit passes; one byte more (or the same length in two-byte letters) does not.
    expect(() => readSettingsDocument(padded("x".repeat(MAX_IMPORT_BYTES - base)))).not.toThrow();
    expect(refusal(padded("x".repeat(MAX_IMPORT_BYTES - base + 1)))).toBe("the file is larger than 1 MB");
    expect(refusal(padded("é".repeat((MAX_IMPORT_BYTES - base) / 2 + 1)))).toBe("the file is larger than 1 MB");
  });
});
