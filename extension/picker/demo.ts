/**
 * A built-in prompt for looking at the picker by hand and for screenshots:
 * extension/picker/index.html?demo=1 (both kinds), ?demo=video or ?demo=audio; add &allowed=1
 * for a site that already holds the browser permission. A demo picker never talks to the
 * service worker, so it can answer no real prompt.
 */
import type { CaptureKind, PromptView } from "../lib/picker";

export function demoView(params: URLSearchParams): PromptView | null {
  const demo = params.get("demo");
  if (!demo) return null;
  const kinds: CaptureKind[] = demo === "video" || demo === "audio" ? [demo] : ["video", "audio"];
  const setting = params.get("allowed") === "1" ? "allow" : "ask";
  const unconstrained = { candidates: null, constraints: { basic: {}, advanced: [] } };
  return {
    id: "demo",
    // Long on purpose: the origin must stay readable, never cut from the left.
    origin: "https://meet.rather-long-subdomain-for-layout-checks.conferencing.example",
    topOrigin: "https://intranet.example.org",
    request: Object.fromEntries(kinds.map((kind) => [kind, unconstrained])),
    remembered: { audio: "Fake Audio Input 2" },
    permission: { video: setting, audio: setting },
    // Embedded by another site: Allow sets no permission, the browser asks about that site.
    grants: false,
  };
}
