import { describe, expect, it } from "vitest";
import {
  DEFAULT_SITE_CONFIG, isExtensionToPage, isPageToExtension, isSiteConfig, RPC_NAMES,
} from "../../src/bridge/protocol";
import { fromJson, toJson } from "../../src/lib/json";

const config = { semantics: "user-chooses", hideLabels: true };
const id64 = "a".repeat(64);
const id65 = "a".repeat(65);

describe("isSiteConfig", () => {
  it.each([
    [{ semantics: "browser-chooses", hideLabels: false }],
    [{ semantics: "user-chooses", hideLabels: true }],
    [DEFAULT_SITE_CONFIG],
    [{ semantics: "user-chooses", hideLabels: false, extra: 1 }],
    [{ semantics: "browser-chooses", hideLabels: false, ptz: "allow", powerSaving: true, blurBackground: true, frameFace: false }],
  ])("accepts %j", (value) => {
    expect(isSiteConfig(value)).toBe(true);
  });

  it.each([
    [{ semantics: "user-chooses" }],
    [{ hideLabels: true }],
    [{ semantics: "anyone-chooses", hideLabels: true }],
    [{ semantics: "user-chooses", hideLabels: "true" }],
    [{ semantics: "user-chooses", hideLabels: 1 }],
    [{ semantics: "user-chooses", hideLabels: false, powerSaving: "yes" }],
    [{ semantics: "user-chooses", hideLabels: false, blurBackground: 1 }],
    [{ semantics: "user-chooses", hideLabels: false, frameFace: "on" }],
    [["user-chooses", true]],
    [null],
    [undefined],
    ["user-chooses"],
    [1],
  ])("rejects %j", (value) => {
    expect(isSiteConfig(value)).toBe(false);
  });
});

describe("isPageToExtension", () => {
  it.each([
    [{ kind: "siteConfig" }],
    [{ kind: "rpc", id: "r1", call: "site.config", params: {} }],
    [{ kind: "rpc", id: "x", call: "site.config" }],
    [{ kind: "rpc", id: id64, call: "site.config", params: null }],
  ])("accepts %j", (value) => {
    expect(isPageToExtension(value)).toBe(true);
  });

  it("accepts every RPC name", () => {
    for (const call of RPC_NAMES) expect(isPageToExtension({ kind: "rpc", id: "r", call, params: {} })).toBe(true);
  });

  it.each([
    ["an unknown kind", { kind: "reply", id: "r1", ok: true, value: 1 }],
    ["a kind of the other direction", { kind: "configChanged", config }],
    ["a kind in the wrong case", { kind: "SiteConfig" }],
    ["no kind", { id: "r1", call: "site.config" }],
    ["an rpc without id", { kind: "rpc", call: "site.config", params: {} }],
    ["an rpc with an empty id", { kind: "rpc", id: "", call: "site.config" }],
    ["an rpc with a numeric id", { kind: "rpc", id: 1, call: "site.config" }],
    ["an rpc with an id over 64 characters", { kind: "rpc", id: id65, call: "site.config" }],
    ["an unknown rpc name", { kind: "rpc", id: "r1", call: "settings.set", params: {} }],
    ["an rpc name on Object.prototype", { kind: "rpc", id: "r1", call: "toString" }],
    ["an rpc without name", { kind: "rpc", id: "r1", params: {} }],
    ["an rpc name as array", { kind: "rpc", id: "r1", call: ["site.config"] }],
    ["an array", [{ kind: "siteConfig" }]],
    ["an array with a kind", Object.assign([], { kind: "siteConfig" })],
    ["null", null],
    ["undefined", undefined],
    ["a string", '{"kind":"siteConfig"}'],
    ["a number", 7],
  ])("rejects %s", (_label, value) => {
    expect(isPageToExtension(value)).toBe(false);
  });

  it("accepts messages that crossed the bridge as JSON", () => {
    expect(isPageToExtension(fromJson(toJson({ kind: "rpc", id: "r1", call: "site.config", params: {} })))).toBe(true);
    expect(isPageToExtension(fromJson(toJson({ kind: "siteConfig" })))).toBe(true);
  });

  it("is not fooled by Array.isArray being replaced later", () => {
    const original = Array.isArray;
    try {
      Array.isArray = (() => false) as unknown as typeof Array.isArray;
      expect(isPageToExtension(Object.assign([], { kind: "siteConfig" }))).toBe(false);
    } finally {
      Array.isArray = original;
    }
  });
});

describe("isExtensionToPage", () => {
  it.each([
    [{ kind: "siteConfig", config }],
    [{ kind: "configChanged", config: { semantics: "browser-chooses", hideLabels: false } }],
    [{ kind: "reply", id: "r1", ok: true, value: { semantics: "user-chooses", hideLabels: true } }],
    [{ kind: "reply", id: "r1", ok: true, value: null }],
    [{ kind: "reply", id: id64, ok: true, value: undefined }],
    [{ kind: "reply", id: "r1", ok: false, error: { name: "AbortError", message: "gone" } }],
    [{ kind: "reply", id: "r1", ok: false, error: { name: "", message: "" } }],
  ])("accepts %j", (value) => {
    expect(isExtensionToPage(value)).toBe(true);
  });

  it.each([
    ["an unknown kind", { kind: "rpc", id: "r1", call: "site.config" }],
    ["a kind of the other direction without config", { kind: "siteConfig" }],
    ["siteConfig with an invalid config", { kind: "siteConfig", config: { semantics: "x", hideLabels: true } }],
    ["configChanged without config", { kind: "configChanged" }],
    ["configChanged with an array config", { kind: "configChanged", config: ["user-chooses", true] }],
    ["a reply without id", { kind: "reply", ok: true, value: 1 }],
    ["a reply with an empty id", { kind: "reply", id: "", ok: true, value: 1 }],
    ["a reply with an id over 64 characters", { kind: "reply", id: id65, ok: true, value: 1 }],
    ["a successful reply without value", { kind: "reply", id: "r1", ok: true }],
    ["a reply with ok as a string", { kind: "reply", id: "r1", ok: "true", value: 1 }],
    ["a reply without ok", { kind: "reply", id: "r1", value: 1 }],
    ["a failed reply without error", { kind: "reply", id: "r1", ok: false }],
    ["a failed reply with only a value", { kind: "reply", id: "r1", ok: false, value: 1 }],
    ["an error without name", { kind: "reply", id: "r1", ok: false, error: { message: "m" } }],
    ["an error without message", { kind: "reply", id: "r1", ok: false, error: { name: "Error" } }],
    ["an error with a numeric name", { kind: "reply", id: "r1", ok: false, error: { name: 1, message: "m" } }],
    ["an error as a string", { kind: "reply", id: "r1", ok: false, error: "Error: m" }],
    ["an error as an array", { kind: "reply", id: "r1", ok: false, error: ["Error", "m"] }],
    ["an array", [{ kind: "siteConfig", config }]],
    ["null", null],
    ["undefined", undefined],
    ["a string", "reply"],
    ["a boolean", true],
  ])("rejects %s", (_label, value) => {
    expect(isExtensionToPage(value)).toBe(false);
  });

  it("accepts replies that crossed the bridge as JSON, and rejects a success whose value was dropped", () => {
    expect(isExtensionToPage(fromJson(toJson({ kind: "reply", id: "r1", ok: true, value: config })))).toBe(true);
    // toJson skips undefined members, so such a reply loses its value on the way.
    expect(isExtensionToPage(fromJson(toJson({ kind: "reply", id: "r1", ok: true, value: undefined })))).toBe(false);
  });

  it("does not take a value or error from Object.prototype on parsed messages", () => {
    const proto = Object.prototype as Record<string, unknown>;
    const success = fromJson('{"kind":"reply","id":"r1","ok":true}');
    const failure = fromJson('{"kind":"reply","id":"r1","ok":false}');
    let results: boolean[];
    // "value" on Object.prototype breaks property descriptors everywhere: keep the window minimal
    // and assert only after it is gone.
    try {
      proto.value = 1;
      proto.error = { name: "Error", message: "forged" };
      results = [isExtensionToPage(success), isExtensionToPage(failure), "value" in {}];
    } finally {
      delete proto.value;
      delete proto.error;
    }
    expect(results).toEqual([false, false, true]); // the last one shows the pollution was in effect
  });
});
