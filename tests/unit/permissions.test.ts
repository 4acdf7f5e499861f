/**
 * permissions.ts against in-memory stand-ins for chrome.contentSettings, storage and tabs: the
 * one-time grant's life cycle (grant, keep while a tab shows the site, undo) and input checks.
 * The real browser side is covered by tests/e2e/permissions.spec.ts.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

type Listener = (...args: unknown[]) => void;
const fake = vi.hoisted(() => {
  const state = {
    storage: {} as Record<string, unknown>,
    settings: {} as Record<string, string>, // "video|http://host:port/*" → setting
    tabs: [] as { url?: string; pendingUrl?: string }[],
    failSet: false,
    listeners: {} as Record<string, Listener[]>,
  };
  const event = (name: string) => ({
    addListener: (l: Listener) => { (state.listeners[name] ??= []).push(l); },
    removeListener: (l: Listener) => { state.listeners[name] = (state.listeners[name] ?? []).filter((x) => x !== l); },
  });
  const browser = {
    storage: {
      onChanged: event("storage.onChanged"),
      local: {
        get: async (key: string) => (key in state.storage ? { [key]: structuredClone(state.storage[key]) } : {}),
        set: async (items: Record<string, unknown>) => { Object.assign(state.storage, structuredClone(items)); },
        remove: async (key: string) => { delete state.storage[key]; },
      },
    },
    tabs: {
      query: async () => state.tabs,
    },
    runtime: { onStartup: event("runtime.onStartup") },
  };
  const contentSetting = (kind: string) => ({
    get: async ({ primaryUrl }: { primaryUrl: string }) => {
      const url = new URL(primaryUrl);
      const key = `${kind}|${url.protocol}//${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}/*`;
      return { setting: state.settings[key] ?? "ask" };
    },
    set: async ({ primaryPattern, setting }: { primaryPattern: string; setting: string }) => {
      if (state.failSet) throw new Error("set failed");
      state.settings[`${kind}|${primaryPattern}`] = setting;
    },
  });
  (globalThis as unknown as { chrome: unknown }).chrome = {
    contentSettings: { camera: contentSetting("video"), microphone: contentSetting("audio") },
    // (Heard through navigation-watch.ts, while there are grants to take back.)
    tabs: { onUpdated: event("tabs.onUpdated"), onRemoved: event("tabs.onRemoved"), onReplaced: event("tabs.onReplaced") },
    webNavigation: { onCommitted: event("webNavigation.onCommitted") },
  };
  return { state, browser };
});
vi.mock("webextension-polyfill", () => ({ default: fake.browser }));

const { grantForPicker, permissionUiHandlers, startPermissionListeners } = await import("../../extension/background/permissions");
const { startNavigationWatch } = await import("../../extension/background/navigation-watch");
const { state } = fake;

const SITE = "https://meet.example";
const OTHER = "http://localhost:8080";
const setting = (kind: string, origin: string) => {
  const url = new URL(origin);
  return state.settings[`${kind}|${url.protocol}//${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}/*`] ?? "ask";
};
const fire = async (name: string, ...args: unknown[]) => {
  for (const l of state.listeners[name] ?? []) l(...args);
  // A grant of no kinds changes nothing and runs after the check the event queued.
  await grantForPicker(SITE, [], { persistent: false });
};

beforeEach(() => {
  state.storage = {};
  state.settings = {};
  state.tabs = [];
  state.failSet = false;
});

startPermissionListeners();
startNavigationWatch();

describe("grantForPicker", () => {
  it("allows the kinds not yet allowed and records a one-time grant", async () => {
    state.settings[`audio|https://meet.example:443/*`] = "allow";
    state.settings[`video|https://meet.example:443/*`] = "block";
    await grantForPicker(SITE, ["video", "audio"], { persistent: false });
    expect(setting("video", SITE)).toBe("allow");
    expect(setting("audio", SITE)).toBe("allow");
    expect(state.storage.oneTimeGrants).toEqual([{ origin: SITE, kind: "video", previous: "block" }]);
  });

  it("does not record a permanent grant, and a permanent grant ends an earlier one-time grant", async () => {
    await grantForPicker(SITE, ["video"], { persistent: false });
    expect(state.storage.oneTimeGrants).toHaveLength(1);
    await grantForPicker(SITE, ["video", "audio"], { persistent: true });
    expect(setting("video", SITE)).toBe("allow");
    expect(setting("audio", SITE)).toBe("allow");
    expect(state.storage.oneTimeGrants).toBeUndefined();
  });

  it("writes the record before the grant, so a failed grant leaves nothing permanent", async () => {
    state.failSet = true;
    await expect(grantForPicker(SITE, ["video"], { persistent: false })).rejects.toThrow("set failed");
    expect(state.storage.oneTimeGrants).toEqual([{ origin: SITE, kind: "video", previous: "ask" }]);
  });

  it.each([
    ["a URL with a path", "https://meet.example/room", ["video"], "TypeError"],
    ["a non-http origin", "chrome://settings", ["video"], "TypeError"],
    ["an unknown kind", SITE, ["screen"], "TypeError"],
    ["an IPv6 host", "http://[::1]:8080", ["video"], "NotSupportedError"],
  ])("refuses %s and changes nothing", async (_name, origin, kinds, errorName) => {
    await expect(grantForPicker(origin, kinds as ["video"], { persistent: false })).rejects.toMatchObject({ name: errorName });
    expect(state.settings).toEqual({});
    expect(state.storage).toEqual({});
  });
});

describe("one-time grants are undone", () => {
  it("when the last tab of the site closes, not before", async () => {
    state.tabs = [{ url: `${SITE}/a` }, { url: `${OTHER}/` }];
    await grantForPicker(SITE, ["video"], { persistent: false });
    await grantForPicker(OTHER, ["audio"], { persistent: false });

    state.tabs = [{ url: `${SITE}/a` }];
    await fire("tabs.onRemoved", 2, {});
    expect(setting("video", SITE)).toBe("allow");
    expect(setting("audio", OTHER)).toBe("ask");
    expect(state.storage.oneTimeGrants).toEqual([{ origin: SITE, kind: "video", previous: "ask" }]);

    state.tabs = [{ url: "https://elsewhere.example/" }];
    await fire("tabs.onUpdated", 1, { status: "loading" });
    expect(setting("video", SITE)).toBe("allow");
    await fire("tabs.onUpdated", 1, { url: "https://elsewhere.example/" });
    expect(setting("video", SITE)).toBe("ask");
    expect(state.storage.oneTimeGrants).toBeUndefined();
    // Nothing left to take back: tab events no longer reach (or wake) the worker.
    const heard = () => ["tabs.onUpdated", "tabs.onRemoved", "tabs.onReplaced"].map((name) => state.listeners[name]?.length);
    expect(heard()).toEqual([0, 0, 0]);
    await grantForPicker(SITE, ["audio"], { persistent: false });
    expect(heard()).toEqual([1, 1, 1]);
  });

  it("keeps the grant while a tab is loading the site", async () => {
    state.tabs = [{ url: "chrome://newtab/", pendingUrl: `${SITE}/` }];
    await grantForPicker(SITE, ["video"], { persistent: false });
    await fire("tabs.onRemoved", 5, {});
    expect(setting("video", SITE)).toBe("allow");
  });

  it("all of them when the browser starts, even for a restored tab", async () => {
    state.tabs = [{ url: `${SITE}/` }];
    await grantForPicker(SITE, ["video", "audio"], { persistent: false });
    await fire("runtime.onStartup");
    expect(setting("video", SITE)).toBe("ask");
    expect(setting("audio", SITE)).toBe("ask");
    expect(state.storage.oneTimeGrants).toBeUndefined();
  });

  it("only if the site is still allowed", async () => {
    await grantForPicker(SITE, ["video"], { persistent: false });
    state.settings[`video|https://meet.example:443/*`] = "block";
    await fire("tabs.onRemoved", 1, {});
    expect(setting("video", SITE)).toBe("block");
    expect(state.storage.oneTimeGrants).toBeUndefined();
  });
});

describe("UI calls", () => {
  it("ui.setPermission sets exactly the origin and cancels a one-time grant of that kind", async () => {
    state.tabs = [{ url: `${SITE}/` }];
    await grantForPicker(SITE, ["video", "audio"], { persistent: false });
    const answer = await permissionUiHandlers["ui.setPermission"]({ type: "ui.setPermission", origin: SITE, kind: "video", setting: "block" });
    // The audio grant is still the one-time one, and the answer says so.
    expect(answer).toEqual({ video: "block", audio: "allow", remembered: {}, temporary: { audio: true } });
    expect(state.storage.oneTimeGrants).toEqual([{ origin: SITE, kind: "audio", previous: "ask" }]);
    expect(Object.keys(state.settings).sort()).toEqual(["audio|https://meet.example:443/*", "video|https://meet.example:443/*"]);
  });

  it("ui.forgetDevice forgets one kind or all and answers the site's state", async () => {
    state.storage.rememberedDevices = { [SITE]: { video: "Cam", audio: "Mic" }, [OTHER]: { video: "Cam 2" } };
    expect(await permissionUiHandlers["ui.forgetDevice"]({ type: "ui.forgetDevice", origin: SITE, kind: "audio" }))
      .toEqual({ video: "ask", audio: "ask", remembered: { video: "Cam" } });
    await permissionUiHandlers["ui.forgetDevice"]({ type: "ui.forgetDevice", origin: SITE });
    expect(state.storage.rememberedDevices).toEqual({ [OTHER]: { video: "Cam 2" } });
    expect(await permissionUiHandlers["ui.listRemembered"]({ type: "ui.listRemembered" })).toEqual({ [OTHER]: { video: "Cam 2" } });
  });

  it.each([
    [{ type: "ui.setPermission", origin: SITE, kind: "video", setting: "allow", extra: 1 }, null],
    [{ type: "ui.setPermission", origin: `${SITE}/`, kind: "video", setting: "allow" }, "origin must be"],
    [{ type: "ui.setPermission", origin: SITE, kind: "camera", setting: "allow" }, "kind must be"],
    [{ type: "ui.setPermission", origin: SITE, kind: "video", setting: "default" }, "setting must be"],
    [{ type: "ui.setPermission", origin: SITE, kind: "video", setting: ["allow"] }, "setting must be"],
    [{ type: "ui.forgetDevice", origin: SITE, kind: null }, "kind must be"],
    [{ type: "ui.getPermissions", origin: { toString: (): string => SITE } }, "origin must be"],
  ])("checks %j", async (message, error) => {
    const call = permissionUiHandlers[message.type as string](message);
    if (error === null) await expect(call).resolves.toBeTruthy();
    else {
      await expect(call).rejects.toMatchObject({ name: "TypeError", message: expect.stringContaining(error) });
      expect(state.settings).toEqual({});
    }
  });
});
