// The extension opens its welcome page in a new tab when it is installed, which every fresh
// profile does. Scripts and tests that drive their own pages wait for it and close it (or keep it).
export const WELCOME_PATH = "/welcome/index.html";

const isWelcome = (page) => page.url().startsWith("chrome-extension://") && page.url().includes(WELCOME_PATH);

/** The welcome page of a fresh profile, once it is there (null after `timeout` ms). */
export async function welcomePage(context, timeout = 15_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const page = context.pages().find(isWelcome);
    if (page) return page;
    if (Date.now() > until) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the welcome page and closes it. */
export async function closeWelcomePage(context, timeout) {
  const page = await welcomePage(context, timeout);
  await page?.close().catch(() => undefined);
  return page !== null;
}
