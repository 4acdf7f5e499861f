/**
 * The isolated half of the bridge is in top frames from the start, and in other frames only for
 * sites with settings of their own, or once their page uses a feature (the top frame relays the
 * request, the service worker injects). These tests cover both ways in and a page that forges the
 * handshake while the half is not there yet.
 */
import type { BrowserContext, Frame, Page } from "@playwright/test";
import { expect, openExtensionPage, test } from "./fixtures";

const isPicker = (p: Page) => p.url().includes("/extension/picker/index.html");

/** Opens `url` (gum-frame.html?src=...) and returns the embedded frame of `origin`. */
async function childFrame(page: Page, url: string, origin: string): Promise<Frame> {
  await page.goto(url);
  await expect.poll(() => page.frames().some((f) => f.url().startsWith(origin))).toBe(true);
  const frame = page.frames().find((f) => f.url().startsWith(origin))!;
  await frame.waitForLoadState();
  return frame;
}

async function pickInFrame(context: BrowserContext, frame: Frame, label: string) {
  const opened = context.waitForEvent("page", { predicate: isPicker, timeout: 10_000 });
  await frame.evaluate(() => (window as any).ask("lazy", { video: true, semantics: "user-chooses" }));
  const picker = await opened;
  await picker.getByRole("radio", { name: label }).check();
  await picker.getByRole("button", { name: /^Allow/ }).click().catch(() => undefined); // it closes itself
  await expect.poll(() => frame.evaluate(() => (window as any).outcome("lazy").state)).toBe("ok");
  return frame.evaluate(() => (window as any).outcome("lazy").tracks[0].label as string);
}

test.describe("the bridge in frames", () => {
  test("a cross-origin iframe that forges the handshake before the extension arrives gets no channel", async ({ page, extContext, site }) => {
    const frame = await childFrame(page, `${site.origin}/gum-frame.html?src=${encodeURIComponent(`${site.otherOrigin}/gum.html`)}`, site.otherOrigin);
    const forged = await frame.evaluate(async () => {
      const mine = document.createElement("span");
      let host: Element | null = null;
      mine.addEventListener("capture-control:offer", (e) => { host = (e as MouseEvent).relatedTarget as Element; });
      window.dispatchEvent(new MouseEvent("capture-control:ask", { relatedTarget: mine }));
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
      // Messages on the page's own node reach nobody.
      mine.dispatchEvent(new CustomEvent("capture-control:down", {
        detail: JSON.stringify({ kind: "configChanged", config: { semantics: "user-chooses", hideLabels: true } }),
      }));
      const labels = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.label !== "").length;
      return {
        shadowRoot: offered ? offered.shadowRoot : "no host",
        attach,
        semantics: (navigator.mediaDevices as any).defaultSemantics,
        labels,
      };
    });
    // The host of the main world's closed shadow root is useless to the page.
    expect(forged).toEqual({ shadowRoot: null, attach: "NotSupportedError", semantics: "browser-chooses", labels: 9 });
    // The real half still arrives when the page uses a feature.
    expect(await pickInFrame(extContext, frame, "fake_device_2")).toBe("fake_device_2");
  });

  // The bridge reads attachShadow at the first handshake, not at start, and takes it only if it is
  // the browser's own: a page that replaced it before must not get the channel through it.
  for (const mode of ["its own function", "a Proxy of the native", "a bound function"] as const) {
    test(`a frame whose page replaced attachShadow with ${mode} before the handshake stays native`, async ({ page, extContext, site }) => {
      const frame = await childFrame(page, `${site.origin}/gum-frame.html?src=${encodeURIComponent(`${site.otherOrigin}/gum.html`)}`, site.otherOrigin);
      let pickers = 0;
      extContext.on("page", (p) => { if (isPicker(p)) pickers++; });
      await frame.evaluate((mode) => {
        const w = window as any;
        const native = Element.prototype.attachShadow;
        w.spied = 0;
        w.roots = [];
        const open = function (this: Element) {
          w.spied++;
          const root = native.call(this, { mode: "open" });
          w.roots.push(root);
          return root;
        };
        const replacement = mode === "its own function" ? open
          : mode === "a Proxy of the native" ? new Proxy(native, { apply: (_t, self) => open.call(self) })
          : function (this: Element) { return open.call(this); }.bind(document.createElement("span"));
        Object.defineProperty(Element.prototype, "attachShadow", { value: replacement, writable: true, configurable: true });
        w.ask("tampered", { video: true, semantics: "user-chooses" });
      }, mode);
      // No channel: the call goes on as the browser's own (after the half's wait).
      await expect.poll(() => frame.evaluate(() => (window as any).outcome("tampered").state), { timeout: 15_000 }).not.toBe("pending");
      expect(await frame.evaluate(() => ({ spied: (window as any).spied, roots: (window as any).roots.length }))).toEqual({ spied: 0, roots: 0 });
      expect(pickers).toBe(0);
      expect(await frame.evaluate(() => (navigator.mediaDevices as any).defaultSemantics)).toBe("browser-chooses");
    });
  }

  test("a frame whose page put another frame's attachShadow in place still gets the half", async ({ page, extContext, site }) => {
    const frame = await childFrame(page, `${site.origin}/gum-frame.html?src=${encodeURIComponent(`${site.otherOrigin}/gum.html`)}`, site.otherOrigin);
    await frame.evaluate(() => {
      const other = document.createElement("iframe");
      document.body.append(other);
      const theirs = (other.contentWindow as any).Element.prototype.attachShadow;
      Object.defineProperty(Element.prototype, "attachShadow", { value: theirs, writable: true, configurable: true });
    });
    // The browser's own function, of another realm: as good as this frame's.
    expect(await pickInFrame(extContext, frame, "fake_device_2")).toBe("fake_device_2");
  });

  test("an about:blank iframe the page adds later gets the half when it asks", async ({ page, extContext, site }) => {
    await page.goto(`${site.origin}/gum.html`);
    await page.evaluate(() => {
      const frame = document.createElement("iframe");
      document.body.append(frame);
      const w = frame.contentWindow as any;
      w.outcomes = {};
      w.ask = (key: string, c: MediaStreamConstraints) => {
        w.outcomes[key] = { state: "pending" };
        w.navigator.mediaDevices.getUserMedia(c).then(
          (s: MediaStream) => { w.outcomes[key] = { state: "ok", tracks: s.getTracks().map((t) => ({ label: t.label })) }; },
          (e: Error) => { w.outcomes[key] = { state: "error", name: e.name }; },
        );
      };
      w.outcome = (key: string) => w.outcomes[key];
    });
    const frame = page.frames()[1];
    expect(await pickInFrame(extContext, frame, "fake_device_1")).toBe("fake_device_1");
  });

  test("frames of a site with its own settings know them before their first script", async ({ fresh: { context, extensionId }, site }) => {
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await options.evaluate((origin) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin, patch: { semantics: "user-chooses" } }), site.otherOrigin);
    const page = await context.newPage();
    const frame = await childFrame(page, `${site.origin}/gum-frame.html?src=${encodeURIComponent(`${site.otherOrigin}/first-script.html`)}`, site.otherOrigin);
    await expect.poll(() => frame.evaluate(() => (window as any).firstScript)).toMatchObject({
      semantics: "user-chooses", blankFrame: "user-chooses", nestedBlankFrame: "user-chooses",
    });
    // The embedding site keeps its own (default) setting.
    expect(await page.evaluate(() => (navigator.mediaDevices as any).defaultSemantics)).toBe("browser-chooses");
  });
});
