// Finds the Chromium to run: $CHROME_PATH, then Debian's /usr/bin/chromium, then Playwright's own.
import { existsSync } from "node:fs";

export async function findChrome() {
  const candidates = [];
  if (process.env.CHROME_PATH) candidates.push(process.env.CHROME_PATH);
  candidates.push("/usr/bin/chromium", "/usr/bin/chromium-browser");
  for (const path of candidates) if (existsSync(path)) return path;
  try {
    // Playwright's own Chromium, if someone installed it with `npx playwright install chromium`.
    const { chromium } = await import("playwright-core");
    const path = chromium.executablePath();
    if (path && existsSync(path)) return path;
  } catch {
    /* not installed */
  }
  throw new Error(
    "No Chromium found. Set CHROME_PATH to a Chromium or Chrome for Testing binary, or install one " +
    "(Debian/Ubuntu: sudo apt-get install chromium). Branded Google Chrome 137+ cannot load unpacked " +
    "extensions from the command line.",
  );
}

/** Flags for a quiet, reproducible browser with fake camera and microphone. */
export function chromeArgs({ extensionDir, fakeUi = true, extra = [] } = {}) {
  const args = [
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-gpu", "--disable-quic", "--use-fake-device-for-media-stream=device-count=3",
  ];
  if (process.getuid?.() === 0) args.push("--no-sandbox");
  if (fakeUi) args.push("--use-fake-ui-for-media-stream");
  if (extensionDir) args.push(`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`);
  else args.push("--disable-extensions");
  return [...args, ...extra];
}
