/**
 * ptz-prompts.ts, the real module against the in-memory chrome of ./fake-chrome.ts: no request
 * is left waiting for a PTZ answer that was already given, whether it arrives while the answer is
 * being carried out or the answer cannot be remembered.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fake, settle } from "./fake-chrome";
import type { ContentSender } from "../../extension/background/messenger";

vi.mock("webextension-polyfill", async () => ({ default: (await import("./fake-chrome")).fake.api }));
const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);

const { answerPtzPrompt, ptzPromptView, requestPtz } = await import("../../extension/background/ptz-prompts");
const { getSiteSettings } = await import("../../extension/background/settings-store");

const SITE = "https://meet.example";
const tab = (tabId: number): ContentSender => ({ origin: SITE, tabId, frameId: 0, documentId: `DOC-${tabId}`, topOrigin: SITE });
const stored = () => (fake.session.data.ptzPrompts ?? {}) as Record<string, { answer?: string; windowId: number | null }>;
const answersTo = (deferredId: string) =>
  fake.sent.filter((s) => s.message?.type === "rpc.result" && s.message.deferredId === deferredId).map((s) => s.message.value);

async function ask(sender: ContentSender): Promise<string> {
  const result = await requestPtz({ browser: "prompt" }, sender);
  if (!("$deferred" in result)) throw new Error(`expected to wait for the prompt, got ${JSON.stringify(result)}`);
  return result.$deferred;
}

beforeEach(() => {
  fake.reset();
  warn.mockClear();
});

describe("ptz.request and the PTZ prompt", () => {
  it("a request that comes while the stored answer is carried out gets that answer at once", async () => {
    const first = await ask(tab(1));
    const [promptId] = Object.keys(stored());

    // Tab 2 asks; its read of the site's settings is held, so it sees "ask" ...
    fake.local.getGate.hold();
    const second = requestPtz({ browser: "prompt" }, tab(2));
    await settle();
    expect(fake.local.getGate.waiting).toBe(1);
    // ... while the user's Allow is stored and being carried out (nothing reaches the frames yet).
    fake.sendGate.hold();
    const answering = answerPtzPrompt(promptId, true);
    await settle();
    expect(stored()[promptId]?.answer).toBe("allow");
    fake.local.getGate.release();

    await expect(second).resolves.toEqual({ ptz: "allow" });
    fake.sendGate.release();
    await answering;
    expect(answersTo(first)).toEqual([{ ptz: "allow" }]);
    expect(stored()).toEqual({});
    expect((await getSiteSettings(SITE)).ptz).toBe("allow");
  });

  it("an answer that cannot be remembered still answers every waiting frame, and the prompt goes", async () => {
    const first = await ask(tab(1));
    const second = await ask(tab(2));
    const [promptId] = Object.keys(stored());
    expect(Object.keys(stored())).toHaveLength(1); // one prompt for the site, two waiters
    const windowId = stored()[promptId].windowId;
    expect(windowId).not.toBeNull();

    fake.local.failSet = true; // storage.local is full: setSiteSettings rejects
    await answerPtzPrompt(promptId, true);
    expect(warn).toHaveBeenCalled();
    expect(answersTo(first)).toEqual([{ ptz: "allow" }]);
    expect(answersTo(second)).toEqual([{ ptz: "allow" }]);
    expect(stored()).toEqual({});
    await expect(ptzPromptView(promptId)).rejects.toMatchObject({ name: "NotFoundError" });
    expect(fake.windowsRemoved).toContain(windowId);
    // Not remembered: the site is still at Ask, and its next request opens a new prompt.
    expect((await getSiteSettings(SITE)).ptz).toBe("ask");
    const windows = fake.windowsCreated.length;
    await ask(tab(3));
    expect(fake.windowsCreated).toHaveLength(windows + 1);
  });
});
