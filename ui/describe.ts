import type { SiteSettings } from "../extension/background/settings-schema";
import { t } from "./i18n";
import { SWITCH_SETTINGS } from "./site-controls";

/** A site's own settings in a line ("Let me choose devices: on · Hide device names: off"). */
export function describe(patch: Partial<SiteSettings>): string {
  const parts: string[] = [];
  if (patch.semantics) parts.push(`${t("settingUserChooses")}: ${patch.semantics === "user-chooses" ? t("on") : t("off")}`);
  for (const s of SWITCH_SETTINGS) {
    const on = patch[s.key];
    if (on !== undefined) parts.push(`${t(s.label)}: ${on ? t("on") : t("off")}`);
  }
  if (patch.ptz) parts.push(`${t("settingPtz")}: ${t(patch.ptz === "ask" ? "ptzAsk" : patch.ptz === "allow" ? "ptzAllow" : "ptzBlock")}`);
  return parts.join(" · ");
}
