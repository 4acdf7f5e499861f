import { useEffect, useState } from "preact/hooks";
import type { SitePermissions } from "../extension/lib/messages";
import type { CaptureKind, PermissionSetting } from "../extension/lib/picker";
import type { Connector } from "./connector";
import { t, type MessageKey } from "./i18n";

const KINDS: { kind: CaptureKind; name: MessageKey; nameForSite: MessageKey; remembered: MessageKey;
  forget: MessageKey; forgetForSite: MessageKey; }[] = [
  { kind: "video", name: "permissionCamera", nameForSite: "permissionCameraForSite", remembered: "rememberedCamera",
    forget: "forgetCamera", forgetForSite: "forgetCameraForSite" },
  { kind: "audio", name: "permissionMicrophone", nameForSite: "permissionMicrophoneForSite",
    remembered: "rememberedMicrophone", forget: "forgetMicrophone", forgetForSite: "forgetMicrophoneForSite" },
];

/**
 * A site's browser permission for camera and microphone (Allow / Ask / Block) and the devices
 * remembered for it, each with Forget. In the popup the site is implied; in the options table
 * (`nameSite`) every control's accessible name says which site it is for.
 */
export function PermissionControls(props: {
  idPrefix: string;
  origin: string;
  value: SitePermissions;
  nameSite?: boolean;
  onSet: (kind: CaptureKind, setting: PermissionSetting) => void;
  onForget: (kind: CaptureKind) => void;
}) {
  const { idPrefix, origin, value, nameSite, onSet, onForget } = props;
  return (
    <div class="controls permissions">
      {KINDS.map((k) => {
        const id = `${idPrefix}-${k.kind}-permission`;
        const label = value.remembered[k.kind];
        return (
          <div key={k.kind} class="permission">
            <label class="row" for={id}>
              <span class="label">{t(k.name)}</span>
              <select id={id} value={value[k.kind]} aria-label={nameSite ? t(k.nameForSite, origin) : undefined}
                onChange={(e) => onSet(k.kind, e.currentTarget.value as PermissionSetting)}>
                <option value="allow">{t("permissionAllow")}</option>
                <option value="ask">{t("permissionAsk")}</option>
                <option value="block">{t("permissionBlock")}</option>
              </select>
            </label>
            {value.temporary?.[k.kind] ? (
              <p class="row remembered">
                <span class="hint">{t("permissionTemporary")}</span>
                <button type="button" aria-label={nameSite ? t("permissionKeepForSite", [t(k.name), origin]) : undefined}
                  onClick={() => onSet(k.kind, "allow")}>{t("permissionKeep")}</button>
              </p>
            ) : null}
            {label !== undefined ? (
              <p class="row remembered">
                <span class="hint">{t(k.remembered, label || t("unnamedDevice"))}</span>
                <button type="button" aria-label={nameSite ? t(k.forgetForSite, origin) : t(k.forget)}
                  onClick={() => {
                    // The button goes away: keep keyboard focus on this kind's row.
                    document.getElementById(id)?.focus();
                    onForget(k.kind);
                  }}>{t("forget")}</button>
              </p>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}

/** PermissionControls that load and change a site's permissions through the connector. */
export function SitePermissionsPanel(props: {
  connector: Connector;
  origin: string;
  idPrefix: string;
  nameSite?: boolean;
  /** Called after a change has been stored. */
  onChanged?: (value: SitePermissions) => void;
}) {
  const { connector, origin, idPrefix, nameSite, onChanged } = props;
  const [value, setValue] = useState<SitePermissions | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    connector.getPermissions(origin).then(
      (v) => live && setValue(v),
      (e: unknown) => live && setError(t("permissionsLoadFailed", reasonOf(e))),
    );
    return () => { live = false; };
  }, [connector, origin]);

  const apply = async (change: Promise<SitePermissions>) => {
    try {
      const next = await change;
      setError(null);
      setValue(next);
      onChanged?.(next);
    } catch (e) {
      setError(t("permissionChangeFailed", reasonOf(e)));
      // Show what is really in force.
      setValue(await connector.getPermissions(origin).catch(() => value));
    }
  };

  if (!value) return error ? <p class="notice" role="alert">{error}</p> : null;
  return (
    <>
      <PermissionControls idPrefix={idPrefix} origin={origin} value={value} nameSite={nameSite}
        onSet={(kind, setting) => {
          // Show the choice at once; the stored state follows.
          setValue({ ...value, [kind]: setting });
          void apply(connector.setPermission(origin, kind, setting));
        }}
        onForget={(kind) => void apply(connector.forgetDevice(origin, kind))} />
      {error ? <p class="notice" role="alert">{error}</p> : null}
    </>
  );
}

function reasonOf(e: unknown): string {
  return e instanceof Error && e.message ? e.message : String(e);
}
