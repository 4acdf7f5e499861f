import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import browser from "webextension-polyfill";
import { effectiveSettings, normalizeOrigin, type SiteSettings } from "../extension/background/settings-schema";
import type { UiState } from "../extension/lib/messages";
import { isWebStore } from "../extension/lib/origin";
import { extensionConnector, type Connector } from "../ui/connector";
import { t } from "../ui/i18n";
import { SitePermissionsPanel } from "../ui/permission-controls";
import { SiteControls } from "../ui/site-controls";
import { PtzControls } from "../ui/ptz-controls";
import { InUseNow } from "../ui/in-use";
import { trackingConnector } from "../ui/in-use-connector";
import { LoadState } from "../ui/load-state";
import { describe } from "../ui/describe";
import type { RememberedDevices } from "../extension/background/remembered";
import "../ui/base.css";
import "./popup.css";

export function Popup({ connector }: { connector: Connector }) {
  const [state, setState] = useState<UiState | null>(null);
  const [changed, setChanged] = useState(false);
  // A change that could not be stored (e.g. the browser's storage for the extension is full).
  const [saveError, setSaveError] = useState<string | null>(null);

  // The state could not be read (the worker did not answer): said, with a way to try again.
  const [loadError, setLoadError] = useState<string | null>(null);
  // A private window: the browser's permissions there are its own (the panel would show and
  // change the normal window's).
  const [privateTab, setPrivateTab] = useState(false);
  const [frames, setFrames] = useState<{ origin: string; remembered: { video?: string; audio?: string } }[]>([]);
  // The browser's own PTZ permission of the page: granted, a page could move the camera past the
  // extension's Ask or Block through a frame no script of ours runs in (docs/ARCHITECTURE.md).
  const [browserPtz, setBrowserPtz] = useState<PermissionState | undefined>(undefined);

  const load = async () => {
    try {
      const tab = await connector.activeTab();
      const url = tab?.url;
      // No http(s) origin (browser pages, other extensions' pages, whose URL Chrome does not even
      // show us) or the Web Store: the extension cannot run there, and the popup says so.
      const origin = (isWebStore(url) ? null : normalizeOrigin(url)) ?? undefined;
      setPrivateTab(tab?.incognito === true);
      const next = await connector.getState(origin);
      // Sites in the page's frames that have settings or devices of their own (a frame's are its
      // own site's, not the page's): listed, so that they can be found and reset.
      const [frameOrigins, remembered, ptzState] = await Promise.all([
        tab?.id === undefined ? [] : connector.frameOrigins(tab.id).catch(() => [] as string[]),
        connector.listRemembered().catch(() => ({}) as RememberedDevices),
        tab?.id === undefined || !origin ? undefined : connector.browserPtz(tab.id).catch(() => undefined),
      ]);
      setBrowserPtz(ptzState);
      setFrames(frameOrigins.filter((o) => o !== origin && (next.settings.sites[o] || remembered[o]))
        .map((o) => ({ origin: o, remembered: remembered[o] ?? {} })));
      setState(next);
      setLoadError(null);
    } catch (e) {
      setLoadError(t("loadFailed", e instanceof Error ? e.message : String(e)));
    }
  };
  useEffect(() => void load(), []);

  if (!state) return <LoadState error={loadError} retry={load} />;
  const origin = state.origin;
  /** Stores a change; on failure says so, and the controls show the stored state again. */
  const save = async (change: () => Promise<unknown>) => {
    try {
      await change();
      setChanged(true);
      setSaveError(null);
    } catch (e) {
      setSaveError(t("saveFailed", e instanceof Error ? e.message : String(e)));
    }
    await load();
  };
  const update = async (patch: Partial<SiteSettings>) => {
    if (!origin) return;
    // Show the choice at once; the stored state follows.
    const sites = { ...state.settings.sites, [origin]: { ...state.settings.sites[origin], ...patch } };
    setState({ ...state, settings: { ...state.settings, sites } });
    await save(() => connector.setSiteSettings(origin, patch));
  };
  return (
    <main>
      {/* (Headings in order for screen readers: the popup's title, then its sections.) */}
      <h1 class="sr-only">{t("extName")}</h1>
      <InUseNow connector={trackingConnector} />
      <header class="site">
        <h2>{t("popupThisSite")}</h2>
        {origin ? <p class="origin" title={origin}>{origin}</p> : null}
      </header>
      {origin ? (<>
        <section aria-label={t("popupThisSite")}>
          <SiteControls idPrefix="site" value={effectiveSettings(state.settings, origin)} onChange={update} />
          {browserPtz === "granted" && effectiveSettings(state.settings, origin).ptz !== "allow" ? (
            <p class="notice row">
              {t("ptzBrowserAllows")}
              <button type="button" onClick={() => void connector.openBrowserSiteSettings(origin)}>{t("ptzBrowserSettings")}</button>
            </p>
          ) : null}
          <p class="status muted">
            {state.settings.sites[origin] ? t("hasOwnSettings") : t("usesDefault")}
            {state.settings.sites[origin] ? (
              <button type="button" onClick={async () => {
                await save(() => connector.resetSite(origin));
                // The button goes: keyboard focus stays in the site's controls.
                document.querySelector<HTMLElement>("main [role=switch], main select")?.focus();
              }}>
                {t("resetSite")}
              </button>
            ) : null}
          </p>
          {saveError ? <p class="notice" role="alert">{saveError}</p> : null}
          {changed ? <p class="muted" role="status">{t("reloadHint")}</p> : null}
        </section>
        <section aria-labelledby="permissions-heading">
          <h2 id="permissions-heading">{t("permissionsTitle")}</h2>
          {privateTab ? <p class="hint">{t("permissionsPrivate")}</p> : (<>
            <p class="hint">{t("permissionsHint")}</p>
            <SitePermissionsPanel connector={connector} origin={origin} idPrefix="site" />
          </>)}
        </section>
        <PtzControls />
        {frames.length ? (
          <section aria-labelledby="frames-heading">
            <h2 id="frames-heading">{t("popupFrames")}</h2>
            <p class="hint">{t("popupFramesHint")}</p>
            <ul class="in-use-list">
              {frames.map((f) => {
                const own = state.settings.sites[f.origin];
                const devices = [f.remembered.video, f.remembered.audio].filter((l) => l !== undefined).map((l) => l || t("unnamedDevice"));
                return (
                  <li key={f.origin} class="in-use-row">
                    <span class="in-use-what">
                      <span class="origin">{f.origin}</span>
                      {own ? <span class="hint">{describe(own)}</span> : null}
                      {devices.length ? <span class="hint">{t("popupFrameRemembered", devices.join(", "))}</span> : null}
                    </span>
                    {own ? (
                      <button type="button" aria-label={t("popupFrameResetNamed", f.origin)}
                        onClick={() => save(() => connector.resetSite(f.origin))}>{t("resetSite")}</button>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </section>
        ) : null}
      </>) : (
        <p class="notice">{t("popupNoSite")}</p>
      )}
      {state.problems.length ? (
        <p class="notice row" role="alert">
          {t("problemsTitle")}
          <button type="button" onClick={() => browser.runtime.openOptionsPage()}>{t("problemsDetails")}</button>
        </p>
      ) : null}
      <footer>
        <button type="button" onClick={() => browser.runtime.openOptionsPage()}>{t("openOptions")}</button>
      </footer>
    </main>
  );
}

const root = document.getElementById("app");
if (root) render(<Popup connector={extensionConnector} />, root);
