import type { SiteSettings } from "../extension/background/settings-schema";
import { t, type MessageKey } from "./i18n";

/** One on/off setting. The switch is named by its label; the hint is its description, not part
 * of its name. */
function SwitchRow(props: { id: string; label: MessageKey; hint: MessageKey; checked: boolean; onChange: (on: boolean) => void }) {
  const { id, label, hint, checked, onChange } = props;
  return (
    <div class="row">
      <span>
        <label class="label" for={id}>{t(label)}</label>
        <span class="hint" id={`${id}-hint`}>{t(hint)}</span>
      </span>
      <input id={id} type="checkbox" role="switch" aria-describedby={`${id}-hint`}
        checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
    </div>
  );
}

type BooleanSetting = { [K in keyof SiteSettings]: SiteSettings[K] extends boolean ? K : never }[keyof SiteSettings];

/** The on/off site settings, in the order the controls show them (after "Let me choose devices"). */
export const SWITCH_SETTINGS: readonly { key: BooleanSetting; id: string; label: MessageKey; hint: MessageKey }[] = [
  { key: "hideLabels", id: "hide-labels", label: "settingHideLabels", hint: "settingHideLabelsHint" },
  { key: "powerSaving", id: "power-saving", label: "settingPowerSaving", hint: "settingPowerSavingHint" },
  { key: "blurBackground", id: "blur-background", label: "settingBlurBackground", hint: "settingBlurBackgroundHint" },
  { key: "frameFace", id: "frame-face", label: "settingFrameFace", hint: "settingFrameFaceHint" },
];

/** The controls for one set of site settings, shared by the popup (this site) and options (defaults). */
export function SiteControls(props: {
  idPrefix: string;
  value: SiteSettings;
  onChange: (patch: Partial<SiteSettings>) => void;
}) {
  const { idPrefix, value, onChange } = props;
  return (
    <div class="controls">
      <SwitchRow id={`${idPrefix}-user-chooses`} label="settingUserChooses" hint="settingUserChoosesHint"
        checked={value.semantics === "user-chooses"}
        onChange={(on) => onChange({ semantics: on ? "user-chooses" : "browser-chooses" })} />
      {SWITCH_SETTINGS.map((s) => (
        <SwitchRow key={s.key} id={`${idPrefix}-${s.id}`} label={s.label} hint={s.hint}
          checked={value[s.key]} onChange={(on) => onChange({ [s.key]: on })} />
      ))}
      <label class="row" for={`${idPrefix}-ptz`}>
        <span class="label">{t("settingPtz")}</span>
        <select id={`${idPrefix}-ptz`} value={value.ptz}
          onChange={(e) => onChange({ ptz: e.currentTarget.value as SiteSettings["ptz"] })}>
          {/* (In the order of the camera and microphone permission's.) */}
          <option value="allow">{t("ptzAllow")}</option>
          <option value="ask">{t("ptzAsk")}</option>
          <option value="block">{t("ptzBlock")}</option>
        </select>
      </label>
    </div>
  );
}
