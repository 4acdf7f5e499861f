/**
 * Faults (issue 9): the service worker stopped at each step of the picker, PTZ prompt and tracking
 * flows (CDP ServiceWorker.stopAllWorkers); tabs closed, navigated and crashed mid-flow; the
 * extension reloaded with live captures; storage full; unreadable values planted under every key the
 * extension keeps; stored settings of every earlier version. Each flow completes or fails cleanly
 * with the error the spec gives (NotAllowedError for a dismissed prompt), nothing stays stuck (the
 * next request works, the queues are empty), and nothing the user stored is lost.
 *
 * One browser for the file, with Developer mode on (an unpacked extension that reloads itself is
 * disabled otherwise). Each fault is recorded in test-results/tally.jsonl for `npm run soak`;
 * SOAK=1 repeats the racy ones more often.
 */
import type { BrowserContext, CDPSession, Page } from "@playwright/test";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { monitorServiceWorker, type ServiceWorkerMonitor } from "../support/sw-monitor.mjs";
import { expect, extensionWorker, launch, openExtensionPage, test } from "./fixtures";
import { expectStateUnchanged, fault, readUserState } from "./tally";

const ROUNDS = process.env.SOAK ? 10 : 3;
const isPicker = (p: Page) => p.url().includes("/extension/picker/index.html");
const isPtzPrompt = (p: Page) => p.url().includes("/extension/ptz-prompt/index.html");
const nextPicker = (context: BrowserContext) => context.waitForEvent("page", { predicate: isPicker, timeout: 10_000 });
const nextPtzPrompt = (context: BrowserContext) => context.waitForEvent("page", { predicate: isPtzPrompt, timeout: 10_000 });
/** A prompt answers and closes itself; an action may still be finishing when it goes. */
const closing = (action: Promise<unknown>) => action.catch((e: Error) => expect(e.message).toMatch(/closed|Target/));

interface Env {
  context: BrowserContext;
  close: () => Promise<void>;
  extensionId: string;
  /** An extension page (options) to read and plant storage; reopened after a reload. */
  state: Page;
  /** CDP on a blank page that stays open: ServiceWorker.stopAllWorkers. */
  cdp: CDPSession;
  monitor: ServiceWorkerMonitor;
  A: string;
  B: string;
}
let env: Env;

const stopWorker = () => env.cdp.send("ServiceWorker.stopAllWorkers");
const session = (key: string) => env.state.evaluate(async (k) => (await chrome.storage.session.get(k))[k], key);
const queuesEmpty = async () => {
  const [prompts, ptz] = [await session("prompts"), await session("ptzPrompts")];
  return Object.keys(prompts ?? {}).length === 0 && Object.keys(ptz ?? {}).length === 0;
};
const outcome = (page: Page | import("@playwright/test").Frame, key: string) => page.evaluate((k) => (window as any).outcome(k), key);
async function settled(page: Page | import("@playwright/test").Frame, key: string) {
  await expect.poll(async () => (await outcome(page, key))?.state, { timeout: 10_000 }).not.toBe("pending");
  return outcome(page, key);
}
async function ask(page: Page | import("@playwright/test").Frame, key: string, constraints: unknown) {
  await page.evaluate(([k, c]) => (window as any).ask(k, c), [key, constraints] as const);
}
async function choose(picker: Page, label: string) {
  await picker.getByRole("radio", { name: label }).check();
  await picker.getByRole("checkbox", { name: /Remember/ }).uncheck();
  await expect(picker.getByRole("button", { name: /^Allow/ })).toBeEnabled();
}
async function gumPage(origin = env.A): Promise<Page> {
  const page = await env.context.newPage();
  await page.goto(`${origin}/gum.html`);
  return page;
}
const live = async () => Object.values((await session("liveCaptures")) ?? {}) as { origin: string; kind: string; startedAt: number }[];
const history = async () => (await env.state.evaluate(async () =>
  ((await chrome.storage.local.get("captureHistory")).captureHistory as { entries?: unknown[] } | undefined)?.entries ?? [])) as
  { origin: string; kind: string; start: number; end: number }[];

/** The stored history's length once no ended capture waits for it (they reach it within a second). */
async function settledHistory(): Promise<number> {
  await expect.poll(async () => ((await session("historyPending")) as unknown[] | undefined ?? []).length).toBe(0);
  return (await history()).length;
}

/** Closes every page but the state page and the CDP anchor, and waits until nothing is live. */
async function tidy(anchor: Page) {
  for (const p of env.context.pages()) if (p !== env.state && p !== anchor && !p.isClosed()) await p.close().catch(() => undefined);
  await expect.poll(async () => (await live()).length, { timeout: 10_000 }).toBe(0);
}

let anchor: Page;
test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ site }) => {
  const { context, close } = await launch({ extension: true, developerMode: true });
  const extensionId = new URL((await extensionWorker(context)).url()).host;
  anchor = await context.newPage();
  const cdp = await context.newCDPSession(anchor);
  await cdp.send("ServiceWorker.enable");
  const state = await openExtensionPage(context, extensionId, "options/index.html");
  await expect.poll(() => state.evaluate(async () => !!(await chrome.storage.local.get("settings")).settings)).toBe(true);
  const monitor = await monitorServiceWorker(context, anchor);
  env = { context, close, extensionId, state, cdp, monitor, A: site.origin, B: site.otherOrigin };
});

test.afterAll(async () => {
  await env.monitor.close();
  await env.close();
});

test.afterEach(async () => {
  await tidy(anchor);
  expect(await queuesEmpty()).toBe(true);
  // A worker stopped in the middle of its work has its pending extension calls rejected with
  // "No SW" (by Chrome, as it goes): that is the fault itself; anything else would be a bug.
  expect(env.monitor.errors.filter((e) => !/^Error: No SW\b/.test(e.text))).toEqual([]);
  env.monitor.errors.length = 0;
});

test("picker flow: the worker stopped before the ask, with a request waiting, during and after the answer", async () => {
  const before = await readUserState(env.state);
  const page = await gumPage();
  await fault("worker stopped before the picker is asked for", async () => {
    await stopWorker();
    const opened = nextPicker(env.context);
    await ask(page, "first", { video: true, semantics: "user-chooses" });
    const picker = await opened;
    await ask(page, "second", { video: true, semantics: "user-chooses" }); // waits its turn
    await expect.poll(async () => Object.keys((await session("prompts")) ?? {}).length).toBe(2);
    await fault("worker stopped while a request waits behind the picker", async () => {
      await stopWorker();
      const next = nextPicker(env.context);
      await closing(picker.getByRole("button", { name: /^Cancel/ }).click());
      expect(await settled(page, "first")).toMatchObject({ state: "error", name: "NotAllowedError" });
      await choose(await next, "fake_device_1");
      await closing((await next).getByRole("button", { name: /^Allow/ }).click());
      expect(await settled(page, "second")).toMatchObject({ state: "ok", tracks: [{ label: "fake_device_1" }] });
    });
  });
  // A request on its way to the worker when it stops: it fails at once (the message is lost, the
  // page gets an AbortError), or it arrived and the picker shows.
  for (let i = 0; i < ROUNDS; i++) {
    await fault("worker stopped while a picker request is on its way", async () => {
      const shown: Page[] = [];
      const collect = (p: Page) => { if (isPicker(p)) shown.push(p); };
      env.context.on("page", collect);
      await ask(page, `flight${i}`, { video: true, semantics: "user-chooses" });
      await new Promise((r) => setTimeout(r, i * 3));
      await stopWorker();
      await expect.poll(async () => shown.length > 0 || (await outcome(page, `flight${i}`)).state !== "pending").toBe(true);
      // (A worker stopped after queuing the request but before answering it: the page already has
      // its AbortError when the picker shows; the user closes it, which frees the queue. A worker
      // stopped between queuing it and opening its window opens it when it next starts, which the
      // next event does: here the UI asking for its state, as the popup would.)
      await expect.poll(async () => {
        for (const p of shown) await p.close().catch(() => undefined);
        await env.state.evaluate(() => chrome.runtime.sendMessage({ type: "ui.getState" }).catch(() => undefined));
        return queuesEmpty();
      }).toBe(true);
      env.context.off("page", collect);
      const result = await settled(page, `flight${i}`);
      expect(["NotAllowedError", "AbortError"]).toContain(result.name);
    });
  }
  // The worker stops at different moments of the answer: the page gets the device or, when the
  // answer was cut off, the dismissal; never a request left waiting.
  /** No picker left over from the round before (a late one is closed, as the user would). */
  const noPickers = () => expect.poll(async () => {
    for (const p of env.context.pages()) if (isPicker(p)) await p.close().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    return !env.context.pages().some(isPicker) && await queuesEmpty();
  }).toBe(true);
  for (let i = 0; i < ROUNDS; i++) {
    await fault("worker stopped during the picker answer", async () => {
      await noPickers();
      const opened = nextPicker(env.context);
      await ask(page, `race${i}`, { video: true, semantics: "user-chooses" });
      const picker = await opened;
      await choose(picker, "fake_device_2");
      const click = closing(picker.getByRole("button", { name: /^Allow/ }).click());
      await new Promise((r) => setTimeout(r, (i * 7) % 25));
      await stopWorker();
      await click;
      const result = await settled(page, `race${i}`);
      if (result.state === "ok") expect(result.tracks[0].label).toBe("fake_device_2");
      else expect(result).toMatchObject({ state: "error", name: "NotAllowedError" });
      await expect.poll(() => picker.isClosed()).toBe(true);
      await expect.poll(queuesEmpty).toBe(true);
    });
  }
  await fault("worker stopped after the picker answer", async () => {
    await noPickers();
    await stopWorker();
    const opened = nextPicker(env.context);
    await ask(page, "after", { video: true, semantics: "user-chooses" });
    const picker = await opened;
    await choose(picker, "fake_device_0");
    await closing(picker.getByRole("button", { name: /^Allow/ }).click());
    expect(await settled(page, "after")).toMatchObject({ state: "ok", tracks: [{ label: "fake_device_0" }] });
  });
  // The user's own Allow granted the site for the session (a one-time grant): that is the only change.
  const after = await readUserState(env.state);
  expect({ ...after.local, oneTimeGrants: undefined }).toEqual({ ...before.local, oneTimeGrants: undefined });
});

test("PTZ prompt flow: the worker stopped before the request, during and after the answer", async () => {
  const page = await gumPage(env.B);
  await fault("worker stopped before the PTZ request", async () => {
    await stopWorker();
    const opened = nextPtzPrompt(env.context);
    await ask(page, "ptz", { video: { pan: true, tilt: true, zoom: true } });
    const prompt = await opened;
    await expect(prompt.getByRole("button", { name: /^Block/ })).toBeEnabled();
    await fault("worker stopped during the PTZ answer", async () => {
      const click = closing(prompt.getByRole("button", { name: /^Block/ }).click());
      await new Promise((r) => setTimeout(r, 5));
      await stopWorker();
      await click;
      // Either way a stream without PTZ: Block, or a prompt closed without an answer.
      expect(await settled(page, "ptz")).toMatchObject({ state: "ok" });
      await expect.poll(() => prompt.isClosed()).toBe(true);
      await expect.poll(queuesEmpty).toBe(true);
    });
  });
  await fault("worker stopped after the PTZ answer", async () => {
    await stopWorker();
    const stored = await env.state.evaluate(async (o) => ((await chrome.storage.local.get("settings")).settings as any).sites[o]?.ptz, env.B);
    // Blocked (remembered): no prompt; closed unanswered: the prompt again, closed again.
    let prompts = 0;
    const count = (p: Page) => { if (isPtzPrompt(p)) { prompts++; void p.close(); } };
    env.context.on("page", count);
    await ask(page, "again", { video: { pan: true } });
    expect(await settled(page, "again")).toMatchObject({ state: "ok" });
    env.context.off("page", count);
    expect(prompts).toBe(stored === "block" ? 0 : 1);
  });
});

test("tracking: the worker stopped within the report delay, with live captures, and all through a capture loop", async () => {
  const page = await gumPage();
  const historyBefore = await settledHistory();
  await fault("worker stopped before a capture is reported", async () => {
    await ask(page, "v", { video: true });
    await stopWorker(); // the report is still waiting its 250 ms
    await expect.poll(async () => (await live()).map((c) => c.kind)).toEqual(["video"]);
  });
  await fault("worker stopped with a capture live", async () => {
    await stopWorker();
    await page.evaluate(() => (window as any).streams.v.getTracks()[0].stop());
    await expect.poll(async () => (await live()).length).toBe(0);
    await expect.poll(async () => (await history()).length).toBe(historyBefore + 1);
  });
  await fault("worker stopped all through a capture loop", async () => {
    // Rounds of capture and stop, the worker stopped now and then: every capture ends in the
    // history exactly once and nothing stays live.
    const rounds = ROUNDS * 4;
    const loop = page.evaluate(async (n) => {
      for (let i = 0; i < n; i++) {
        const s = await navigator.mediaDevices.getUserMedia({ video: true });
        await new Promise((r) => setTimeout(r, 60));
        s.getTracks().forEach((t) => t.stop());
        await new Promise((r) => setTimeout(r, 60));
      }
    }, rounds);
    for (let i = 0; i < rounds / 2; i++) {
      await new Promise((r) => setTimeout(r, 90));
      await stopWorker();
    }
    await loop;
    await expect.poll(async () => (await live()).length).toBe(0);
    await expect.poll(async () => (await history()).length).toBe(historyBefore + 1 + rounds);
  });
});

test("a tab closed, navigated or crashed mid-flow: the prompt closes, the queue frees, the next request works", async () => {
  await fault("tab closed while its picker is open and two requests wait", async () => {
    const page = await gumPage();
    const opened = nextPicker(env.context);
    for (const key of ["a", "b", "c"]) await ask(page, key, { video: true, semantics: "user-chooses" });
    const picker = await opened;
    await expect.poll(async () => Object.keys((await session("prompts")) ?? {}).length).toBe(3);
    await page.close();
    await expect.poll(() => picker.isClosed()).toBe(true);
    await expect.poll(queuesEmpty).toBe(true);
  });
  await fault("tab navigated while its PTZ prompt is open", async () => {
    const page = await gumPage(env.A);
    const opened = nextPtzPrompt(env.context);
    await ask(page, "p", { video: { pan: true } });
    const prompt = await opened;
    await page.goto(`${env.A}/gum.html?again`);
    await expect.poll(() => prompt.isClosed()).toBe(true);
    await expect.poll(queuesEmpty).toBe(true);
  });
  for (const [kind, constraints] of [["picker", { video: true, semantics: "user-chooses" }], ["PTZ prompt", { video: { zoom: true } }]] as const) {
    await fault(`tab crashed while its ${kind} is open`, async () => {
      const page = await gumPage(env.A);
      const opened = kind === "picker" ? nextPicker(env.context) : nextPtzPrompt(env.context);
      await ask(page, "x", constraints);
      const prompt = await opened;
      // (CDP Page.crash takes the whole headless browser down; chrome://crash crashes the tab's renderer.)
      const crashed = page.waitForEvent("crash");
      await page.goto("chrome://crash").catch(() => undefined);
      await crashed;
      await expect.poll(() => prompt.isClosed()).toBe(true);
      await expect.poll(queuesEmpty).toBe(true);
      await page.close();
    });
  }
  // The next request of the same site, in a new tab, works.
  const page = await gumPage();
  const opened = nextPicker(env.context);
  await ask(page, "next", { video: true, semantics: "user-chooses" });
  const picker = await opened;
  await choose(picker, "fake_device_1");
  await closing(picker.getByRole("button", { name: /^Allow/ }).click());
  expect(await settled(page, "next")).toMatchObject({ state: "ok", tracks: [{ label: "fake_device_1" }] });
});

test("the extension reloaded with live captures: pages keep their tracks, the registry lists them again, nothing hangs", async () => {
  const page = await env.context.newPage();
  await page.goto(`${env.A}/tracking-frames.html?cross=${encodeURIComponent(env.B)}`);
  const cross = page.frame({ url: `${env.B}/gum.html` })!;
  await expect.poll(() => cross.evaluate(() => typeof (window as any).ask)).toBe("function");
  await ask(page, "top", { video: true });
  await ask(cross, "framed", { audio: true });
  expect(await settled(page, "top")).toMatchObject({ state: "ok" });
  expect(await settled(cross, "framed")).toMatchObject({ state: "ok" });
  await expect.poll(async () => (await live()).length).toBe(2);
  const startedBefore = (await live()).map((c) => c.startedAt).sort();
  const opened = nextPicker(env.context);
  await ask(page, "waiting", { video: true, semantics: "user-chooses" });
  await opened;
  const before = await readUserState(env.state);
  await fault("extension reloaded with live captures and a picker open", async () => {
    const reloaded = env.context.waitForEvent("serviceworker");
    await env.state.evaluate(() => setTimeout(() => chrome.runtime.reload(), 50));
    await reloaded;
    env.state = await openExtensionPage(env.context, env.extensionId, "options/index.html");
    // The picker went with the old copy: its request fails as a dismissed picker does.
    expect(await settled(page, "waiting")).toMatchObject({ state: "error", name: "NotAllowedError" });
    // Both frames still capture, and the new worker lists both captures from when they started.
    expect(await page.evaluate(() => (window as any).streams.top.getTracks()[0].readyState)).toBe("live");
    expect(await cross.evaluate(() => (window as any).streams.framed.getTracks()[0].readyState)).toBe("live");
    // (Each start is dated by the frame, "so long ago", and placed by the worker: within message delays.)
    await expect.poll(async () => (await live()).length).toBe(2);
    const startedAfter = (await live()).map((c) => c.startedAt).sort();
    for (let i = 0; i < 2; i++) expect(Math.abs(startedAfter[i] - startedBefore[i])).toBeLessThan(1000);
    // Ends are reported to the new worker and recorded.
    const historyBefore = await settledHistory();
    await page.evaluate(() => (window as any).streams.top.getTracks()[0].stop());
    await expect.poll(async () => (await live()).map((c) => c.kind)).toEqual(["audio"]);
    await expect.poll(async () => (await history()).length).toBe(historyBefore + 1);
    // Settings, grants, remembered devices: as before (the history grew by the ended capture).
    await expectStateUnchanged(env.state, before, { historyOf: [env.A] });
    // The picker works again in the same page.
    const again = nextPicker(env.context);
    await ask(page, "again", { video: true, semantics: "user-chooses" });
    const picker = await again;
    await choose(picker, "fake_device_2");
    await closing(picker.getByRole("button", { name: /^Allow/ }).click());
    expect(await settled(page, "again")).toMatchObject({ state: "ok", tracks: [{ label: "fake_device_2" }] });
  });
});

test("storage full: a settings change fails cleanly and is reported, and nothing is lost", async () => {
  const page = await gumPage();
  const tabId = await env.state.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)!.id!, page.url());
  const before = await readUserState(env.state);
  // Fill chrome.storage.local (10 MB without unlimitedStorage) to a few bytes short of its quota.
  const left = await env.state.evaluate(async () => {
    const used = await chrome.storage.local.getBytesInUse(null);
    const room = chrome.storage.local.QUOTA_BYTES - used - "filler".length - 2 - 16;
    await chrome.storage.local.set({ filler: "x".repeat(room) });
    return chrome.storage.local.QUOTA_BYTES - await chrome.storage.local.getBytesInUse(null);
  });
  expect(left).toBeLessThan(32);
  try {
    await fault("settings change with storage full", async () => {
      const popup = await openExtensionPage(env.context, env.extensionId, `popup/index.html?tab=${tabId}`);
      const toggle = popup.getByRole("switch", { name: /Hide device names/ });
      await expect(toggle).not.toBeChecked();
      await toggle.click();
      await expect(popup.getByRole("alert")).toContainText("could not be saved");
      await expect(toggle).not.toBeChecked(); // the popup shows what is stored
      expect(await page.evaluate(() => navigator.mediaDevices.defaultSemantics)).toBe("browser-chooses");
      await popup.close();
    });
    await fault("capture ended with storage full", async () => {
      const historyBefore = await settledHistory();
      await ask(page, "v", { video: true });
      expect(await settled(page, "v")).toMatchObject({ state: "ok" });
      await expect.poll(async () => (await live()).length).toBe(1);
      await page.evaluate(() => (window as any).streams.v.getTracks()[0].stop());
      // The registry follows reality; the history entry waits until it can be written.
      await expect.poll(async () => (await live()).length).toBe(0);
      await page.waitForTimeout(1500); // past the time it would have been written
      expect((await history()).length).toBe(historyBefore);
      expect(await session("historyPending")).toHaveLength(1);
      await env.state.evaluate(() => chrome.storage.local.remove("filler"));
      await ask(page, "w", { video: true });
      expect(await settled(page, "w")).toMatchObject({ state: "ok" });
      await expect.poll(async () => (await live()).length).toBe(1);
      await page.evaluate(() => (window as any).streams.w.getTracks()[0].stop());
      await expect.poll(async () => (await history()).length).toBe(historyBefore + 2);
      expect(await session("historyPending")).toEqual([]);
    });
  } finally {
    await env.state.evaluate(() => chrome.storage.local.remove("filler"));
  }
  await expectStateUnchanged(env.state, before, { historyOf: [env.A] });
});

/** For each key the extension keeps: an unreadable value, and how to make the extension read it. */
const CORRUPT: { key: string; area: "local" | "session"; name?: string; value: unknown; read: (page: Page) => Promise<void> }[] = [
  { key: "settings", area: "local", value: { version: 1, defaults: null, sites: [] }, read: async () => undefined },
  { key: "captureHistory", area: "local", name: "history", value: "not a history", read: async () => {
    await env.state.evaluate(() => chrome.runtime.sendMessage({ type: "ui.history.get" }));
  } },
  { key: "rememberedDevices", area: "local", value: { "not an origin": 5, [`https://kept.example`]: { video: "fake_device_1" } }, read: async () => {
    await env.state.evaluate(() => chrome.runtime.sendMessage({ type: "ui.listRemembered" }));
  } },
  { key: "oneTimeGrants", area: "local", value: [null, { origin: 7 }], read: async () => {
    await env.state.evaluate((o) => chrome.runtime.sendMessage({ type: "ui.setPermission", origin: o, kind: "video", setting: "allow" }), env.B);
  } },
  { key: "prompts", area: "session", value: { a: null, b: 5 }, read: async (page) => {
    const opened = nextPicker(env.context);
    await ask(page, "picker", { video: true, semantics: "user-chooses" });
    await (await opened).close();
    expect(await settled(page, "picker")).toMatchObject({ state: "error", name: "NotAllowedError" });
  } },
  { key: "ptzPrompts", area: "session", value: { z: null, y: { id: "y", waiters: "many" } }, read: async (page) => {
    const opened = nextPtzPrompt(env.context);
    await ask(page, "ptz", { video: { tilt: true } });
    await (await opened).close();
    expect(await settled(page, "ptz")).toMatchObject({ state: "ok" });
  } },
  { key: "ptzControl", area: "session", value: { owner: 5, sessions: [null, { tabId: "x" }], badged: [] }, read: async () => {
    await env.state.evaluate(() => chrome.runtime.sendMessage({ type: "ui.ptz.get", tabId: 1 }));
  } },
  { key: "liveCaptures", area: "session", value: { x: null, "1/0//y": { id: "y" } }, read: async (page) => {
    await ask(page, "live", { audio: true });
    expect(await settled(page, "live")).toMatchObject({ state: "ok" });
    await expect.poll(async () => (await live()).map((c) => c?.kind)).toContain("audio");
    expect((await live()).every((c) => Number.isFinite(c?.startedAt))).toBe(true);
  } },
];

test("unreadable values under every key are kept as a backup and reported; the feature goes on", async () => {
  const page = await gumPage(env.A);
  for (const { key, area, name, value, read } of CORRUPT) {
    await fault(`unreadable ${area} value: ${key}`, async () => {
      const problemsBefore = ((await env.state.evaluate(() => chrome.storage.local.get("storageProblems"))).storageProblems ?? []) as unknown[];
      await env.state.evaluate(([a, k, v]) => chrome.storage[a as "local"].set({ [k as string]: v }), [area, key, value] as const);
      await read(page);
      // The original, exactly; a report naming it; and a readable value in its place.
      await expect.poll(async () => (await env.state.evaluate(() => chrome.storage.local.get("storageProblems"))).storageProblems)
        .toHaveLength(problemsBefore.length + 1);
      const stored = await env.state.evaluate(() => chrome.storage.local.get(null)) as Record<string, any>;
      const backups = Object.keys(stored).filter((k) => k.startsWith(`backup:${name ?? key}:`));
      const problems = (await env.state.evaluate(() => chrome.storage.local.get("storageProblems"))).storageProblems as { backupKey: string }[];
      const problem = problems[problems.length - 1];
      expect(backups).toContain(problem.backupKey);
      expect(stored[problem.backupKey]).toEqual(value);
      const now = await env.state.evaluate(async ([a, k]) => (await chrome.storage[a as "local"].get(k as string))[k as string], [area, key] as const);
      expect(now).not.toEqual(value);
    });
  }
  await fault("unreadable list of storage problems", async () => {
    await env.state.evaluate(() => chrome.storage.local.set({ storageProblems: { not: "a list" } }));
    await env.state.evaluate(() => chrome.storage.local.set({ settings: "garbage" }));
    await expect.poll(async () => ((await env.state.evaluate(() => chrome.storage.local.get("storageProblems"))).storageProblems as unknown[])?.length).toBe(2);
    const stored = await env.state.evaluate(() => chrome.storage.local.get(null)) as Record<string, any>;
    const [listProblem, settingsProblem] = stored.storageProblems as { backupKey: string }[];
    expect(stored[listProblem.backupKey]).toEqual({ not: "a list" });
    expect(stored[settingsProblem.backupKey]).toBe("garbage");
  });
  // The options page lists what was found.
  await env.state.reload();
  await expect(env.state.getByRole("alert").first()).toContainText("could not be read");
  await env.state.evaluate(async () => {
    const all = await chrome.storage.local.get(null);
    await chrome.storage.local.remove(Object.keys(all).filter((k) => k.startsWith("backup:") || k === "storageProblems" || k === "rememberedDevices"));
  });
});

test("stored settings of every earlier version are migrated when the extension is updated", async () => {
  const dir = resolve("tests/fixtures/settings");
  const fixtures = readdirSync(dir).filter((f) => f.endsWith(".json"));
  expect(fixtures.length).toBeGreaterThanOrEqual(2);
  for (const file of fixtures) {
    const { stored, expected, problem } = JSON.parse(readFileSync(resolve(dir, file), "utf8"));
    await fault(`settings migrated from ${file}`, async () => {
      // Planted, then the extension updated (reloaded): the worker may migrate on the storage
      // change or on the update; either way the result is the same.
      await env.state.evaluate(async (v) => {
        await chrome.storage.local.remove(["storageProblems"]);
        await chrome.storage.local.set({ settings: v });
      }, stored);
      const reloaded = env.context.waitForEvent("serviceworker");
      await env.state.evaluate(() => setTimeout(() => chrome.runtime.reload(), 50));
      await reloaded;
      env.state = await openExtensionPage(env.context, env.extensionId, "options/index.html");
      await expect.poll(() => env.state.evaluate(async () => (await chrome.storage.local.get("settings")).settings)).toEqual(expected);
      const problems = (await env.state.evaluate(() => chrome.storage.local.get("storageProblems"))).storageProblems as { backupKey: string }[] | undefined;
      if (problem) {
        expect(problems).toHaveLength(1);
        expect(await env.state.evaluate(async (k) => (await chrome.storage.local.get(k))[k], problems![0].backupKey)).toEqual(stored);
      } else {
        expect(problems ?? []).toEqual([]);
      }
    });
  }
});
