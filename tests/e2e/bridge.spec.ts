/**
 * The page is hostile: it cannot find, read or forge the bridge between the main world and the
 * extension, and tampering with built-ins neither redirects nor breaks the extension.
 */
import { expect, openExtensionPage, test } from "./fixtures";

test.describe("bridge", () => {
  test("a page cannot obtain the private channel by replaying the handshake", async ({ page, site }) => {
    await page.goto(`${site.origin}/index.html`);
    const forge = () => page.evaluate(() => {
      const seen: string[] = [];
      const mine = document.createElement("span");
      let host: Element | null = null;
      mine.addEventListener("capture-control:offer", (e) => {
        host = (e as MouseEvent).relatedTarget as Element;
        seen.push("offer on my node");
      });
      for (const type of ["capture-control:ask", "capture-control:offer", "capture-control:ack"]) {
        window.addEventListener(type, () => seen.push(`${type} on window`), true);
      }
      window.dispatchEvent(new MouseEvent("capture-control:ask", { relatedTarget: mine }));
      window.dispatchEvent(new Event("capture-control:ask"));
      document.dispatchEvent(new MouseEvent("capture-control:ask", { bubbles: true, relatedTarget: mine }));
      const offered = host as Element | null;
      let attach = "no host";
      if (offered) {
        try {
          offered.attachShadow({ mode: "open" });
          attach = "attached";
        } catch (e) {
          attach = (e as Error).name;
        }
      }
      return { seen, shadowRoot: offered ? offered.shadowRoot : "no host", attach };
    });
    // A top frame shakes hands when its page first uses a feature: before that, a forged ASK is
    // offered the host of the main world's closed shadow root, which is useless to the page (it
    // cannot open the root or attach another).
    const before = await forge();
    expect(before.seen.filter((s) => s.endsWith("on window"))).toEqual([]);
    expect(before.shadowRoot).toBeNull();
    expect(before.attach).toMatch(/^(NotSupportedError|no host)$/);
    // The real half still connects when the page uses a feature (its config is answered)...
    expect(await page.evaluate(() => (navigator.mediaDevices as any).defaultSemantics)).toBe("browser-chooses");
    const labels = await page.evaluate(async () => (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks()[0].label);
    expect(labels).toMatch(/fake_device/);
    // ...and after it, asking again gets no answer at all: the main world's listener (first on the
    // window) swallows every ASK.
    expect(await forge()).toEqual({ seen: [], shadowRoot: "no host", attach: "no host" });
  });

  test("a top page that wraps attachShadow before its first use of a feature (as session recorders do) keeps the extension", async ({ fresh: { context, extensionId }, site }) => {
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await options.evaluate((origin) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin, patch: { semantics: "user-chooses" } }), site.origin);
    await options.close();
    const page = await context.newPage();
    await page.goto(`${site.origin}/index.html`);
    // The wrap calls the browser's own, as a recorder's does; its text is the page's source.
    const semantics = await page.evaluate(() => {
      const original = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
        return original.call(this, init);
      };
      // The first use: the top frame shakes hands now, with the attachShadow it read at start.
      return (navigator.mediaDevices as any).defaultSemantics;
    });
    expect(semantics).toBe("user-chooses");
  });

  test("forged messages on every visible channel change nothing", async ({ page, extContext, site }) => {
    await page.goto(`${site.origin}/index.html`);
    const opened: string[] = [];
    const watch = (p: { url(): string }) => { if (p.url().startsWith("chrome-extension://")) opened.push(p.url()); };
    extContext.on("page", watch);
    const before = await page.evaluate(() => navigator.mediaDevices.defaultSemantics);
    const after = await page.evaluate(async () => {
      const forged = JSON.stringify({ kind: "configChanged", config: { semantics: "user-chooses", hideLabels: true } });
      const fakeNode = document.createElement("span");
      // A forged offer of the page's own node, then messages on it.
      window.dispatchEvent(new MouseEvent("capture-control:offer", { relatedTarget: fakeNode }));
      fakeNode.dispatchEvent(new CustomEvent("capture-control:down", { detail: forged }));
      for (const target of [window, document, document.documentElement, fakeNode]) {
        target.dispatchEvent(new CustomEvent("capture-control:down", { detail: forged, bubbles: true }));
        target.dispatchEvent(new CustomEvent("capture-control:up", {
          detail: JSON.stringify({ kind: "rpc", id: "x1", call: "site.config", params: {} }), bubbles: true,
        }));
        // Asking for the picker or the PTZ prompt without a getUserMedia call.
        for (const call of ["picker.open", "ptz.request"]) {
          target.dispatchEvent(new CustomEvent("capture-control:up", {
            detail: JSON.stringify({ kind: "rpc", id: "x2", call, params: { devices: null, video: { basic: {}, advanced: [] }, browser: "prompt" } }),
            bubbles: true,
          }));
        }
      }
      // A wake request to the top frame from the top page itself.
      window.postMessage("capture-control:wake", "*");
      await new Promise((r) => setTimeout(r, 500));
      return navigator.mediaDevices.defaultSemantics;
    });
    extContext.off("page", watch);
    expect(before).toBe("browser-chooses");
    expect(after).toBe("browser-chooses");
    // No picker, no PTZ prompt.
    expect(opened).toEqual([]);
  });

  test("tampered built-ins neither break nor redirect the extension", async ({ page, site }) => {
    await page.goto(`${site.origin}/tamper.html`);
    const result = await page.evaluate(async () => {
      const log = (window as unknown as { tamperLog: string[] }).tamperLog;
      log.length = 0;
      const semantics = navigator.mediaDevices.defaultSemantics;
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const devices = await navigator.mediaDevices.enumerateDevices();
      const settings = stream.getVideoTracks()[0].getSettings();
      const extensionCalls = log.slice(0);
      stream.getVideoTracks()[0].stop();
      return { semantics, extensionCalls, tracks: stream.getTracks().length, devices: devices.length, width: settings.width };
    });
    expect(result).toEqual({ semantics: "browser-chooses", extensionCalls: [], tracks: 1, devices: 9, width: 640 });
  });
});

test.describe("bridge with a site setting", () => {
  test("tampered built-ins cannot fake or hide the user's choice for the site", async ({ fresh: { context, extensionId: id }, site }) => {
    const options = await openExtensionPage(context, id, "options/index.html");
    await options.evaluate((origin) => chrome.runtime.sendMessage({
      type: "ui.setSiteSettings", origin, patch: { semantics: "user-chooses" },
    }), site.origin);
    const page = await context.newPage();
    await page.goto(`${site.origin}/tamper.html`);
    expect(await page.evaluate(() => navigator.mediaDevices.defaultSemantics)).toBe("user-chooses");
    await page.goto(`${site.otherOrigin}/tamper.html`);
    // The page's JSON.stringify and Object.prototype getter claim "user-chooses"; the answer stays honest.
    expect(await page.evaluate(() => navigator.mediaDevices.defaultSemantics)).toBe("browser-chooses");
  });
});
