/**
 * An in-memory stand-in for the parts of chrome.* (and of webextension-polyfill's `browser`, which
 * is the same object here) that the service-worker modules in extension/background/ use, so that
 * their real code can run under vitest. Importing this module installs it as `globalThis.chrome`;
 * a test file hands it to the modules with
 *
 *   vi.mock("webextension-polyfill", async () => ({ default: (await import("./fake-chrome")).fake.api }));
 *
 * Every test file has its own module registry, hence its own fake. `fake.reset()` empties it.
 * Calls the extension makes are recorded (messages sent to frames, permission changes, windows);
 * `Gate`s hold chosen calls until the test releases them, to order concurrent work exactly.
 */

type Listener = (...args: never[]) => unknown;

/** A chrome.events.Event whose listeners a test can fire. */
export class FakeEvent {
  readonly listeners: Listener[] = [];
  addListener = (listener: Listener): void => void this.listeners.push(listener);
  removeListener = (listener: Listener): void => {
    const at = this.listeners.indexOf(listener);
    if (at >= 0) this.listeners.splice(at, 1);
  };
  hasListener = (listener: Listener): boolean => this.listeners.includes(listener);
  fire(...args: unknown[]): void {
    for (const listener of [...this.listeners]) (listener as (...a: unknown[]) => unknown)(...args);
  }
}

/** While held, calls that pass through `wait()` do not go on until `release()`. */
export class Gate {
  #held: Promise<void> | null = null;
  #open: (() => void) | null = null;
  /** How many calls are waiting now. */
  waiting = 0;
  hold(): void {
    if (this.#held) return;
    this.#held = new Promise((resolve) => { this.#open = resolve; });
  }
  release(): void {
    this.#open?.();
    this.#held = null;
    this.#open = null;
  }
  async wait(): Promise<void> {
    const held = this.#held;
    if (!held) return;
    this.waiting++;
    try {
      await held;
    } finally {
      this.waiting--;
    }
  }
}

type Keys = string | string[] | null | undefined;

class FakeArea {
  data: Record<string, unknown> = {};
  /** When true, every set() rejects as chrome.storage does when its quota is used up. */
  failSet = false;
  readonly getGate = new Gate();
  readonly setGate = new Gate();

  get = async (keys?: Keys): Promise<Record<string, unknown>> => {
    await this.getGate.wait();
    const wanted = keys === null || keys === undefined ? Object.keys(this.data) : Array.isArray(keys) ? keys : [keys];
    const out: Record<string, unknown> = {};
    for (const key of wanted) if (Object.hasOwn(this.data, key)) out[key] = structuredClone(this.data[key]);
    return out;
  };
  set = async (items: Record<string, unknown>): Promise<void> => {
    await this.setGate.wait();
    if (this.failSet) throw new Error("QUOTA_BYTES quota exceeded");
    Object.assign(this.data, structuredClone(items));
  };
  remove = async (keys: string | string[]): Promise<void> => {
    for (const key of Array.isArray(keys) ? keys : [keys]) delete this.data[key];
  };
  getKeys = async (): Promise<string[]> => Object.keys(this.data);
  clear = async (): Promise<void> => { this.data = {}; };
}

export interface SentMessage {
  tabId: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  message: any;
  options: { frameId?: number; documentId?: string } | undefined;
}

export interface PermissionChange {
  kind: "camera" | "microphone";
  primaryPattern: string;
  setting: string;
}

function createFake() {
  const local = new FakeArea();
  const session = new FakeArea();
  const sent: SentMessage[] = [];
  const permissionChanges: PermissionChange[] = [];
  /** Camera/microphone settings by `${kind} ${pattern}`. */
  const permissions = new Map<string, string>();
  const windowsCreated: { id: number; url: string | undefined }[] = [];
  const windowsRemoved: number[] = [];
  const openWindows = new Set<number>();
  let nextWindowId = 100;
  const sendGate = new Gate();

  const patternOfUrl = (url: string) => {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}/*`;
  };
  const contentSetting = (kind: PermissionChange["kind"]) => ({
    get: async ({ primaryUrl }: { primaryUrl: string }) => ({ setting: permissions.get(`${kind} ${patternOfUrl(primaryUrl)}`) ?? "ask" }),
    set: async ({ primaryPattern, setting }: { primaryPattern: string; setting: string }) => {
      permissionChanges.push({ kind, primaryPattern, setting });
      permissions.set(`${kind} ${primaryPattern}`, setting);
    },
  });
  const resolved = async () => undefined;

  const api = {
    storage: { local, session, onChanged: new FakeEvent() },
    runtime: {
      id: "fake-extension-id",
      getURL: (path: string) => `chrome-extension://fake-extension-id/${path.replace(/^\//, "")}`,
      getManifest: () => ({ manifest_version: 3, content_scripts: [] }),
      getContexts: async () => [],
      ContextType: { TAB: "TAB" },
      onInstalled: new FakeEvent(),
      onStartup: new FakeEvent(),
      onMessage: new FakeEvent(),
    },
    windows: {
      create: async ({ url }: { url?: string }) => {
        const id = ++nextWindowId;
        windowsCreated.push({ id, url });
        openWindows.add(id);
        return { id };
      },
      get: async (id: number) => {
        if (!openWindows.has(id)) throw new Error(`No window with id: ${id}.`);
        return { id };
      },
      remove: async (id: number) => {
        windowsRemoved.push(id);
        openWindows.delete(id);
      },
      update: async (id: number) => ({ id }),
      onRemoved: new FakeEvent(),
    },
    tabs: {
      sendMessage: async (tabId: number, message: unknown, options?: SentMessage["options"]) => {
        await sendGate.wait();
        sent.push({ tabId, message: structuredClone(message), options: options && { ...options } });
      },
      query: async () => [],
      get: async (id: number) => ({ id, status: "complete", url: "https://example.invalid/" }),
      update: async (id: number) => ({ id, windowId: 1 }),
      onUpdated: new FakeEvent(),
      onRemoved: new FakeEvent(),
      onReplaced: new FakeEvent(),
    },
    webNavigation: {
      getFrame: async () => ({ errorOccurred: false, url: "https://example.invalid/" }),
      getAllFrames: async () => [],
      onCommitted: new FakeEvent(),
    },
    contentSettings: { camera: contentSetting("camera"), microphone: contentSetting("microphone") },
    action: {
      setBadgeText: resolved, setBadgeBackgroundColor: resolved, getBadgeBackgroundColor: async () => [0, 0, 0, 0],
      setTitle: resolved, setIcon: resolved,
    },
    i18n: { getMessage: (key: string) => key },
    scripting: {
      getRegisteredContentScripts: async () => [], registerContentScripts: resolved, updateContentScripts: resolved,
      unregisterContentScripts: resolved,
    },
    commands: { onCommand: new FakeEvent() },
  };

  return {
    api,
    local,
    session,
    /** Every message sent to a frame (tabs.sendMessage), in order. */
    sent,
    /** Every chrome.contentSettings.camera/microphone.set call, in order. */
    permissionChanges,
    windowsCreated,
    windowsRemoved,
    /** Holds tabs.sendMessage calls (nothing reaches a frame until released). */
    sendGate,
    /** The user closes a window. */
    closeWindow(id: number): void {
      openWindows.delete(id);
      api.windows.onRemoved.fire(id);
    },
    reset(): void {
      for (const area of [local, session]) {
        area.data = {};
        area.failSet = false;
        area.getGate.release();
        area.setGate.release();
      }
      sendGate.release();
      sent.length = 0;
      permissionChanges.length = 0;
      permissions.clear();
      windowsCreated.length = 0;
      windowsRemoved.length = 0;
      openWindows.clear();
    },
  };
}

export const fake = createFake();
(globalThis as unknown as { chrome: unknown }).chrome = fake.api;

/** Lets every promise chain that can move on do so (the fake storage has no real I/O). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
