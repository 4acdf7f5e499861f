import type { BrowserContext } from "@playwright/test";
import { openExtensionPage } from "./fixtures";

/** Sets a site's PTZ permission in the extension. "allow" leaves the PTZ gate open: differential
 * tests use it, since the default "ask" is a feature (it opens the PTZ prompt for `{pan: true}`). */
export async function setSitePtz(context: BrowserContext, extensionId: string, origin: string, ptz: "ask" | "allow" | "block") {
  const options = await openExtensionPage(context, extensionId, "options/index.html");
  await options.evaluate(([o, p]) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin: o, patch: { ptz: p } }), [origin, ptz]);
  await options.close();
}
