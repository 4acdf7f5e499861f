import type { BrowserContext } from "@playwright/test";

export interface LoadResult {
  tabs: number;
  documents: number;
  seconds: number;
  /** Captures opened and stopped. */
  rounds: number;
  /** getUserMedia errors by name (the browser's, e.g. NotReadableError under load). */
  captureErrors: Record<string, number>;
  /** Uncaught errors and unhandled rejections in the pages. */
  pageErrors: string[];
  /** The same in the service worker, and its console errors. */
  workerErrors: string[];
  /** Times the worker started again during the run (Chrome stopped it). */
  workerRestarts: number;
  registryPeak: number;
  /** Captures the documents held at the end, and how many the registry listed then. */
  holding: number;
  listedWhileHolding: number;
  /** Registry entries once every capture was stopped (0), and whether it got there. */
  listedAtEnd: number;
  drained: boolean;
  /** The worker's JS heap after garbage collection (bytes). */
  heapStart: number;
  heapEnd: number;
  /** [seconds into the loop, bytes] after GC, every tenth of the run. */
  heapSamples: [number, number][];
  /** 1 when the user's settings or another site's history changed. */
  stateLost: number;
}

export function runLoad(options: {
  context: BrowserContext;
  extensionId: string;
  origins: [string, string, string];
  tabs: number;
  seconds: number;
  holdMs?: number;
  monitor: { errors: { text: string }[]; heapAfterGc(): Promise<number>; readonly restarts?: number };
  log?: (line: string) => void;
}): Promise<LoadResult>;
