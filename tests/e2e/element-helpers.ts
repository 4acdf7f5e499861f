/** Activating the capture elements of tests/pages/capture-elements.html with trusted clicks. */
import type { Frame, Locator, Page } from "@playwright/test";
import { expect } from "./fixtures";

/** The page's elements: <usermedia>, <camera>, <microphone>, and a <microphone> in a closed shadow root. */
export type Id = "both" | "cam" | "mic" | "shadow";

export const outcome = (page: Page | Frame, id: Id) => page.evaluate((i) => (window as any).outcomes[i] as string, id);

/**
 * Clicks the element until it captures. Chromium disables a capture element for a moment after it
 * is laid out or its intersection with the viewport changes ("being recently attached to layout
 * tree"), and then a click fires `error`; a later click captures.
 */
export async function activate(page: Page | Frame, id: Id, target: Locator): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.evaluate((i) => { (window as any).outcomes[i] = "pending"; }, id);
    await target.click();
    await expect.poll(() => outcome(page, id)).not.toBe("pending");
    const got = await outcome(page, id);
    if (got === "ok") return;
    if (got !== "error") throw new Error(`the <${id}> element did not capture: ${got}`);
    await page.waitForTimeout(300);
  }
  throw new Error(`the <${id}> element never captured`);
}

