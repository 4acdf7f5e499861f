import { describe, expect, it } from "vitest";
import { isToContentMessage } from "../../extension/lib/messages";

const defaults = { semantics: "browser-chooses", hideLabels: false };
const site = { semantics: "user-chooses", hideLabels: true };
const valid = { type: "site.configChanged", defaults, sites: { "https://a.example": site } };

describe("isToContentMessage", () => {
  it.each([
    ["a message with sites", valid],
    ["a message without sites", { type: "site.configChanged", defaults, sites: {} }],
    ["a message with several sites", {
      type: "site.configChanged", defaults: site, sites: { "https://a.example": site, "http://b.example:8080": defaults },
    }],
  ])("accepts %s", (_label, value) => {
    expect(isToContentMessage(value)).toBe(true);
  });

  it.each([
    ["a wrong type", { ...valid, type: "site.config" }],
    ["no type", { defaults, sites: {} }],
    ["missing defaults", { type: "site.configChanged", sites: {} }],
    ["invalid defaults", { ...valid, defaults: { semantics: "nobody-chooses", hideLabels: false } }],
    ["defaults without hideLabels", { ...valid, defaults: { semantics: "browser-chooses" } }],
    ["missing sites", { type: "site.configChanged", defaults }],
    ["null sites", { ...valid, sites: null }],
    ["sites as a string", { ...valid, sites: "https://a.example" }],
    ["an invalid site config", { ...valid, sites: { "https://a.example": site, "https://b.example": { semantics: "user-chooses" } } }],
    ["a site config that is not an object", { ...valid, sites: { "https://a.example": true } }],
    ["null", null],
    ["undefined", undefined],
    ["a string", "site.configChanged"],
    ["a number", 1],
    ["an array", [valid]],
  ])("rejects %s", (_label, value) => {
    expect(isToContentMessage(value)).toBe(false);
  });
});
