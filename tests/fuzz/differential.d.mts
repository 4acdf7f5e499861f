import type { Page } from "@playwright/test";
import type { FuzzCase } from "./generator.mjs";
export const REGRESSIONS_DIR: string;
export function outcomes(extensionPage: Page, nativePage: Page, testCase: FuzzCase): Promise<{ extension: string; native: string; same: boolean }>;
export function regressionCases(): (FuzzCase & { file: string })[];
