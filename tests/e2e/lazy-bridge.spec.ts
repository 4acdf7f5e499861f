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
