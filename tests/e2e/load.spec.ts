/**
 * The fixed slice of the load test that `npm test` runs (tests/support/load.mjs; `npm run soak`
 * runs 50 tabs for 2 minutes): 3 tabs × 4 documents of three sites opening and stopping captures
 * for 10 seconds. No uncaught error in any page or in the service worker, the registry lists
 * exactly the captures that are live, the worker's memory comes back down, the user's data stays.
 */
import { resolve } from "node:path";
import { startServer } from "../../scripts/serve.mjs";
import { runLoad } from "../support/load.mjs";
import { monitorServiceWorker } from "../support/sw-monitor.mjs";
import { expect, extensionWorker, launch, test } from "./fixtures";

test("3 tabs × 4 frames capturing and stopping for 10 s stay consistent", async ({ site }) => {
  test.setTimeout(90_000);
  const { context, close } = await launch({ extension: true });
  const server = await startServer({ "/": resolve("tests/pages") });
  try {
    const extensionId = new URL((await extensionWorker(context)).url()).host;
    const monitor = await monitorServiceWorker(context, await context.newPage());
    const third = `http://localhost:${(server.address() as { port: number }).port}`;
    const result = await runLoad({
      context, extensionId, origins: [site.origin, site.otherOrigin, third], tabs: 3, seconds: 10, monitor,
    });
    expect(result.rounds).toBeGreaterThan(100);
    expect(result.pageErrors).toEqual([]);
    expect(result.workerErrors).toEqual([]);
    expect(result.captureErrors).toEqual({});
    expect(result.listedWhileHolding).toBe(result.holding);
    expect(result.holding).toBe(12);
    expect(result.drained).toBe(true);
    // After the load the worker's heap is back within a megabyte of where it started.
    expect(result.heapEnd).toBeLessThan(result.heapStart + 1024 * 1024);
    expect(result.stateLost).toBe(0);
    await monitor.close();
  } finally {
    server.close();
    await close();
  }
});
