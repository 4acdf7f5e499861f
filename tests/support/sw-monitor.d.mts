import type { BrowserContext, Page } from "@playwright/test";

export interface ServiceWorkerMonitor {
  /** Uncaught errors, unhandled rejections and console errors of the extension's worker. */
  errors: { at: number; text: string }[];
  /** How many times the worker was seen to start again while monitored. */
  readonly restarts: number;
  /** (Re)attaches to the running worker; throws when none runs. */
  attach(): Promise<void>;
  /** JS heap in use (bytes) after full garbage collections. */
  heapAfterGc(): Promise<number>;
  close(): Promise<void>;
}
export function monitorServiceWorker(context: BrowserContext, anchor: Page): Promise<ServiceWorkerMonitor>;
