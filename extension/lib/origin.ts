/** The origin a URL names, or null when it has none (opaque, about:blank, unparsable, absent). */
export function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Pages where Chrome runs no extension's content scripts, whatever the extension's host
 * permissions: the Chrome Web Store, at both of its addresses. (Browser pages such as chrome://
 * and other extensions' pages have no http(s) origin and are refused before this.)
 */
export function isWebStore(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const { protocol, hostname, pathname } = new URL(url);
    if (protocol !== "https:" && protocol !== "http:") return false;
    const host = hostname.replace(/\.$/, "").toLowerCase();
    return host === "chromewebstore.google.com" ||
      (host === "chrome.google.com" && (pathname === "/webstore" || pathname.startsWith("/webstore/")));
  } catch {
    return false;
  }
}
