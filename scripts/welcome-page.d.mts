import type { BrowserContext, Page } from "playwright-core";
export const WELCOME_PATH: string;
export function welcomePage(context: BrowserContext, timeout?: number): Promise<Page | null>;
export function closeWelcomePage(context: BrowserContext, timeout?: number): Promise<boolean>;
