// A site the user captured on lately (extension/background/warm-sites.ts): registered for its top
// frames only, it has the bridge's isolated half tell the main world to load the pack now.
import { WARM_HOOK } from "./flags";

const hook = (globalThis as unknown as Record<string, unknown>)[WARM_HOOK];
if (typeof hook === "function") hook();
