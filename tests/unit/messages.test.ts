import { describe, expect, it } from "vitest";
import { isToContentMessage } from "../../extension/lib/messages";

describe("isToContentMessage", () => {
  it("accepts the settings-changed signal, which carries no site's settings", () => {
    expect(isToContentMessage({ type: "site.configChanged" })).toBe(true);
  });

  it.each([
    ["a wrong type", { type: "site.config" }],
    ["no type", {}],
    ["null", null],
    ["undefined", undefined],
    ["a string", "site.configChanged"],
    ["a number", 1],
    ["an array", [{ type: "site.configChanged" }]],
  ])("rejects %s", (_label, value) => {
    expect(isToContentMessage(value)).toBe(false);
  });
});
