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
      {/* The switch is named by its label; the hint is its description, not part of its name. */}
      <div class="row">
        <span>
          <label class="label" for={`${idPrefix}-user-chooses`}>{t("settingUserChooses")}</label>
          <span class="hint" id={`${idPrefix}-user-chooses-hint`}>{t("settingUserChoosesHint")}</span>
        </span>
        <input id={`${idPrefix}-user-chooses`} type="checkbox" role="switch" aria-describedby={`${idPrefix}-user-chooses-hint`}
          checked={value.semantics === "user-chooses"}
          onChange={(e) => onChange({ semantics: e.currentTarget.checked ? "user-chooses" : "browser-chooses" })} />
      </div>
      <div class="row">
        <span>
          <label class="label" for={`${idPrefix}-hide-labels`}>{t("settingHideLabels")}</label>
          <span class="hint" id={`${idPrefix}-hide-labels-hint`}>{t("settingHideLabelsHint")}</span>
        </span>
        <input id={`${idPrefix}-hide-labels`} type="checkbox" role="switch" aria-describedby={`${idPrefix}-hide-labels-hint`}
          checked={value.hideLabels} onChange={(e) => onChange({ hideLabels: e.currentTarget.checked })} />
      </div>
      <div class="row">
        <span>
          <label class="label" for={`${idPrefix}-power-saving`}>{t("settingPowerSaving")}</label>
          <span class="hint" id={`${idPrefix}-power-saving-hint`}>{t("settingPowerSavingHint")}</span>
        </span>
        <input id={`${idPrefix}-power-saving`} type="checkbox" role="switch" aria-describedby={`${idPrefix}-power-saving-hint`}
          checked={value.powerSaving} onChange={(e) => onChange({ powerSaving: e.currentTarget.checked })} />
      </div>
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
