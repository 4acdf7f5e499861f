import { describe, expect, it } from "vitest";
import { isWebStore, originOf } from "../../extension/lib/origin";

describe("isWebStore", () => {
  it.each([
    "https://chromewebstore.google.com/",
    "https://chromewebstore.google.com/detail/capture-control/abcdefghijklmnopabcdefghijklmnop",
    "https://ChromeWebStore.Google.com./category/extensions",
    "https://chrome.google.com/webstore",
    "https://chrome.google.com/webstore/detail/x",
  ])("knows %s", (url) => expect(isWebStore(url)).toBe(true));

  it.each([
    undefined, "", "not a url", "https://example.com/", "https://chrome.google.com/", "https://chrome.google.com/webstorefront",
    "https://evil.example/chromewebstore.google.com", "https://chromewebstore.google.com.evil.example/", "chrome://extensions/",
  ])("does not take %s for it", (url) => expect(isWebStore(url)).toBe(false));
});

describe("originOf", () => {
  it("names the origin of a URL, or null", () => {
    expect(originOf("https://example.com:8443/a?b")).toBe("https://example.com:8443");
    expect(originOf("about:blank")).toBeNull();
    expect(originOf(undefined)).toBeNull();
  });
});
