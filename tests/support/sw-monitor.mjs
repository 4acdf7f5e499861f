// Watches the extension's service worker through the Chrome DevTools Protocol: uncaught errors
// and unhandled rejections (Runtime.exceptionThrown), console errors, and the size of its JS heap.
// Playwright gives no CDP session for a service worker, so this attaches to the worker's target
// from a page's session (non-flat mode: messages travel in Target.sendMessageToTarget) and
// re-attaches whenever the worker is restarted.

/**
 * @param {import("playwright-core").BrowserContext} context
 * @param {import("playwright-core").Page} anchor an open page that stays open while monitoring
 */
export async function monitorServiceWorker(context, anchor) {
  const cdp = await context.newCDPSession(anchor);
  /** @type {{ at: number, text: string }[]} */
  const errors = [];
  const pending = new Map();
  let nextId = 1;
  /** @type {string | null} */
  let sessionId = null;
  let targetId = null;
  let closed = false;
  /** Workers attached to after the first one: each is a restart of the worker. */
  let restarts = -1; // (the first attach counts 0)

  cdp.on("Target.receivedMessageFromTarget", (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message);
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (waiter) message.error ? waiter.reject(new Error(message.error.message)) : waiter.resolve(message.result);
      return;
    }
    if (message.method === "Runtime.exceptionThrown") {
      const details = message.params.exceptionDetails;
      errors.push({ at: Date.now(), text: details.exception?.description ?? details.text });
    } else if (message.method === "Runtime.consoleAPICalled" && message.params.type === "error") {
      errors.push({ at: Date.now(), text: message.params.args.map((a) => a.value ?? a.description).join(" ") });
    }
  });
  cdp.on("Target.detachedFromTarget", (event) => {
    if (event.sessionId === sessionId) {
      sessionId = null;
      targetId = null;
    }
  });

  const send = (method, params = {}) => new Promise((resolve, reject) => {
    if (!sessionId) {
      reject(new Error("not attached to the service worker"));
      return;
    }
    const id = nextId++;
    // A worker that goes away mid-call never answers.
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`${method}: no answer from the service worker`));
    }, 10_000);
    pending.set(id, {
      resolve: (value) => { clearTimeout(timer); resolve(value); },
      reject: (error) => { clearTimeout(timer); reject(error); },
    });
    cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params }) }).catch((error) => {
      clearTimeout(timer);
      reject(error);
    });
  });

  /** Attaches to the extension's running worker (waking it is the caller's business); a worker
   * that is going away as we attach is tried again. */
  async function attach() {
    for (let attempt = 0; ; attempt++) {
      if (closed) throw new Error("monitor closed");
      const { targetInfos } = await cdp.send("Target.getTargets");
      const worker = targetInfos.find((t) => t.type === "service_worker" && t.url.startsWith("chrome-extension://"));
      try {
        if (!worker) throw new Error("the extension's service worker is not running");
        if (worker.targetId === targetId && sessionId) return;
        const attached = await cdp.send("Target.attachToTarget", { targetId: worker.targetId, flatten: false });
        sessionId = attached.sessionId;
        await send("Runtime.enable");
        if (worker.targetId !== targetId) restarts++;
        targetId = worker.targetId;
        return;
      } catch (error) {
        sessionId = null;
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  // A restarted worker is a new target: follow it.
  cdp.on("Target.targetCreated", (event) => {
    const info = event.targetInfo;
    if (info.type === "service_worker" && info.url.startsWith("chrome-extension://") && !closed) {
      setTimeout(() => void attach().catch(() => undefined), 50);
    }
  });
  await cdp.send("Target.setDiscoverTargets", { discover: true });
  await attach();
  return {
    errors,
    attach,
    get restarts() { return restarts; },
    /** JS heap in use (bytes) after a full garbage collection. */
    async heapAfterGc() {
      for (let attempt = 0; ; attempt++) {
        try {
          await attach();
          await send("HeapProfiler.collectGarbage");
          await send("HeapProfiler.collectGarbage");
          return (await send("Runtime.getHeapUsage")).usedSize;
        } catch (error) {
          sessionId = null;
          if (attempt >= 2) throw error;
        }
      }
    },
    async close() {
      closed = true;
      await cdp.detach().catch(() => undefined);
    },
  };
}
