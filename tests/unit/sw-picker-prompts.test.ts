/**
 * prompts.ts (the device picker's queue), the real module against the in-memory chrome of
 * ./fake-chrome.ts: the picker's Allow sets the browser's permission only for the site the user
 * sees named, never for an embedded cross-origin frame, an origin Chrome cannot keep a permission
 * for, or a private window; and in every case the page still gets the user's choice and the prompt
 * leaves the queue.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fake } from "./fake-chrome";
import type { ContentSender } from "../../extension/background/messenger";

vi.mock("webextension-polyfill", async () => ({ default: (await import("./fake-chrome")).fake.api }));
vi.spyOn(console, "warn").mockImplementation(() => undefined);

const { answerPrompt, openPicker, promptView, PROMPTS_KEY } = await import("../../extension/background/prompts");
const { REMEMBERED_KEY } = await import("../../extension/background/remembered");

/** A camera request the page could not narrow (no labels): the user must choose. */
const cameraAsk = () => ({ devices: null, video: { basic: {}, advanced: [] } });
const CHOICE = { video: { label: "Integrated Camera", ordinal: 0 } };

async function open(sender: ContentSender): Promise<string> {
  const result = await openPicker(cameraAsk(), sender);
  if (!("$deferred" in result)) throw new Error(`expected a picker, got ${JSON.stringify(result)}`);
  return result.$deferred;
}
const queued = () => Object.keys((fake.session.data[PROMPTS_KEY] ?? {}) as object);
const resultsFor = (id: string) => fake.sent.filter((s) => s.message?.type === "rpc.result" && s.message.deferredId === id);

beforeEach(() => fake.reset());

describe("the picker's Allow", () => {
  it("grants the browser's camera permission to a top-level site", async () => {
    const sender = { origin: "https://meet.example", tabId: 1, frameId: 0, documentId: "D1", topOrigin: "https://meet.example" };
    const id = await open(sender);
    expect((await promptView(id)).grants).toBe(true);
    await answerPrompt(id, CHOICE, false);
    expect(fake.permissionChanges).toEqual([{ kind: "camera", primaryPattern: "https://meet.example:443/*", setting: "allow" }]);
    expect(resultsFor(id)).toEqual([{
      tabId: 1, options: { frameId: 0, documentId: "D1" },
      message: { type: "rpc.result", deferredId: id, ok: true, value: CHOICE },
    }]);
    expect(queued()).toEqual([]);
  });

  it("grants nothing for a cross-origin iframe, but the iframe gets the choice", async () => {
    const sender = { origin: "https://widget.example", tabId: 2, frameId: 4, documentId: "D4", topOrigin: "https://host.example" };
    const id = await open(sender);
    const view = await promptView(id);
    expect(view.grants).toBe(false);
    expect(view.topOrigin).toBe("https://host.example");
    await answerPrompt(id, CHOICE, true);
    expect(fake.permissionChanges).toEqual([]);
    expect(resultsFor(id)).toEqual([{
      tabId: 2, options: { frameId: 4, documentId: "D4" },
      message: { type: "rpc.result", deferredId: id, ok: true, value: CHOICE },
    }]);
    expect(queued()).toEqual([]);
  });

  it.each([
    ["an iframe whose tab's address is not known", { frameId: 2, topOrigin: null }],
    ["a top frame whose tab still names another site", { frameId: 0, topOrigin: "https://previous.example" }],
  ])("grants nothing for %s", async (_what, where) => {
    const sender = { origin: "https://widget.example", tabId: 4, documentId: "D", ...where };
    const id = await open(sender);
    expect((await promptView(id)).grants).toBe(false);
    await answerPrompt(id, CHOICE, true);
    expect(fake.permissionChanges).toEqual([]);
    expect(resultsFor(id).map((s) => s.message.ok)).toEqual([true]);
    expect(queued()).toEqual([]);
  });

  it("grants nothing for an IPv6 origin, delivers the choice and frees the tab's queue", async () => {
    const origin = "http://[::1]:8080";
    const sender = { origin, tabId: 3, frameId: 0, documentId: "D3", topOrigin: origin };
    const first = await open(sender);
    expect((await promptView(first)).grants).toBe(false);
    await answerPrompt(first, CHOICE, false);
    expect(fake.permissionChanges).toEqual([]);
    expect(resultsFor(first)).toHaveLength(1);
    expect(resultsFor(first)[0].message).toMatchObject({ ok: true, value: CHOICE });
    expect(queued()).toEqual([]);
    // The tab's next request gets a picker window of its own at once (nothing left ahead of it).
    const windowsBefore = fake.windowsCreated.length;
    const second = await open(sender);
    expect(second).not.toBe(first);
    expect(fake.windowsCreated).toHaveLength(windowsBefore + 1);
    expect(fake.windowsCreated.at(-1)!.url).toContain(`prompt=${second}`);
    expect(queued()).toEqual([second]);
  });

  it("in a private window: no grant, no remembered device, and the picker is told", async () => {
    const sender = {
      origin: "https://meet.example", tabId: 5, frameId: 0, documentId: "D5", topOrigin: "https://meet.example", incognito: true,
    };
    const id = await open(sender);
    const view = await promptView(id);
    expect(view.incognito).toBe(true);
    expect(view.grants).toBe(false);
    await answerPrompt(id, CHOICE, true);
    expect(fake.permissionChanges).toEqual([]);
    expect(fake.local.data[REMEMBERED_KEY]).toBeUndefined();
    expect(resultsFor(id)).toHaveLength(1);
    expect(resultsFor(id)[0].message).toMatchObject({ ok: true, value: CHOICE });
    expect(queued()).toEqual([]);
  });

  it("a page being prerendered gets no picker window: the browser holds its call until it is shown", async () => {
    const sender = {
      origin: "https://meet.example", tabId: 7, frameId: 0, documentId: "D7", topOrigin: "https://meet.example", lifecycle: "prerender",
    };
    expect(await openPicker(cameraAsk(), sender)).toEqual({ native: true });
    expect(queued()).toEqual([]);
    // The same request from a shown page gets the picker.
    expect(await openPicker(cameraAsk(), { ...sender, lifecycle: "active" })).toHaveProperty("$deferred");
  });

  it("remembers the device for the same site in a normal window (the check above can fail)", async () => {
    const sender = { origin: "https://meet.example", tabId: 6, frameId: 0, documentId: "D6", topOrigin: "https://meet.example" };
    const id = await open(sender);
    expect((await promptView(id)).incognito).toBeUndefined();
    await answerPrompt(id, CHOICE, true);
    expect(fake.local.data[REMEMBERED_KEY]).toEqual({ "https://meet.example": { video: "Integrated Camera" } });
    expect(fake.permissionChanges).toEqual([{ kind: "camera", primaryPattern: "https://meet.example:443/*", setting: "allow" }]);
  });
});
