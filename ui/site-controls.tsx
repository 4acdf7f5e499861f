import type { SiteSettings } from "../extension/background/settings-schema";
import { t } from "./i18n";

/** The controls for one set of site settings, shared by the popup (this site) and options (defaults). */
export function SiteControls(props: {
  idPrefix: string;
  value: SiteSettings;
  onChange: (patch: Partial<SiteSettings>) => void;
}) {
  const { idPrefix, value, onChange } = props;
  return (
    <div class="controls">
      <label class="row" for={`${idPrefix}-user-chooses`}>
        <span>
          <span class="label">{t("settingUserChooses")}</span>
          <span class="hint">{t("settingUserChoosesHint")}</span>
        </span>
        <input id={`${idPrefix}-user-chooses`} type="checkbox" role="switch"
          checked={value.semantics === "user-chooses"}
          onChange={(e) => onChange({ semantics: e.currentTarget.checked ? "user-chooses" : "browser-chooses" })} />
      </label>
      <label class="row" for={`${idPrefix}-hide-labels`}>
        <span>
          <span class="label">{t("settingHideLabels")}</span>
          <span class="hint">{t("settingHideLabelsHint")}</span>
        </span>
        <input id={`${idPrefix}-hide-labels`} type="checkbox" role="switch" checked={value.hideLabels}
          onChange={(e) => onChange({ hideLabels: e.currentTarget.checked })} />
      </label>
      <label class="row" for={`${idPrefix}-ptz`}>
        <span class="label">{t("settingPtz")}</span>
        <select id={`${idPrefix}-ptz`} value={value.ptz}
          onChange={(e) => onChange({ ptz: e.currentTarget.value as SiteSettings["ptz"] })}>
          <option value="ask">{t("ptzAsk")}</option>
          <option value="allow">{t("ptzAllow")}</option>
          <option value="block">{t("ptzBlock")}</option>
        </select>
      </label>
    </div>
  );
}
