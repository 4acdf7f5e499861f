import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { RememberedDevices } from "../extension/background/remembered";
import type { UiState } from "../extension/lib/messages";
import { extensionConnector, type Connector } from "../ui/connector";
import { t } from "../ui/i18n";
import { SitePermissionsPanel } from "../ui/permission-controls";
import { SiteControls } from "../ui/site-controls";
import { describe } from "../ui/describe";
import { HistorySection } from "../ui/history";
import { SettingsTransferSection } from "../ui/settings-transfer";
import { trackingConnector } from "../ui/in-use-connector";
import { LoadState } from "../ui/load-state";
import { download } from "../ui/download";
import "../ui/base.css";
import "./options.css";

export function Options({ connector }: { connector: Connector }) {
  const [state, setState] = useState<UiState | null>(null);
  const [remembered, setRemembered] = useState<RememberedDevices>({});
  const [query, setQuery] = useState("");
  /** The site whose settings are open for editing in the table. */
  const [editing, setEditing] = useState<string | null>(null);
  // A change that could not be stored (e.g. the browser's storage for the extension is full).
  const [saveError, setSaveError] = useState<string | null>(null);
  // The state could not be read (the worker did not answer): said, with a way to try again.
  const [loadError, setLoadError] = useState<string | null>(null);
  const load = async () => {
    try {
      const [next, devices] = await Promise.all([connector.getState(), connector.listRemembered().catch(() => ({}))]);
      setState(next);
      setRemembered(devices);
      setLoadError(null);
    } catch (e) {
      setLoadError(t("loadFailed", e instanceof Error ? e.message : String(e)));
    }
  };
  useEffect(() => {
    document.title = t("optionsTitle");
    void load();
  }, []);
  /** Stores a change; on failure says so, and the page shows the stored state again. */
  const save = async (change: () => Promise<unknown>) => {
    try {
      await change();
      setSaveError(null);
    } catch (e) {
      setSaveError(t("saveFailed", e instanceof Error ? e.message : String(e)));
    }
    await load();
  };
  if (!state) return <LoadState error={loadError} retry={load} />;
  // Sites with their own settings, and sites with only remembered devices.
  const sites = [...new Set([...Object.keys(state.settings.sites), ...Object.keys(remembered)])].sort()
    .filter((origin) => origin.toLowerCase().includes(query.trim().toLowerCase()));
  return (
    <main>
      <h1>{t("optionsTitle")}</h1>
      {state.problems.length ? (
        <section class="notice" role="alert">
          <h2>{t("problemsTitle")}</h2>
          <p>{t("problemsText")}</p>
          <ul>{state.problems.map((p, i) => (
            <li key={p.backupKey} class="row problem">
              <span>{new Date(p.at).toLocaleString()}: {p.reason}</span>
              <span class="actions">
                <button type="button" aria-label={t("problemDownloadNamed", String(i + 1))} onClick={async () => {
                  const copy = await connector.problemBackup(p.backupKey);
                  download(`capture-control-${p.backupKey.replace(/[^\w-]+/g, "-")}.json`, "application/json", JSON.stringify(copy, null, 2));
                }}>{t("problemDownload")}</button>
                <button type="button" aria-label={t("problemDismissNamed", String(i + 1))}
                  onClick={() => save(() => connector.dismissProblem(p.backupKey))}>{t("problemDismiss")}</button>
              </span>
            </li>
          ))}</ul>
        </section>
      ) : null}
      <section aria-labelledby="defaults-heading">
        <h2 id="defaults-heading">{t("optionsDefaults")}</h2>
        <SiteControls idPrefix="defaults" value={state.settings.defaults}
          onChange={async (patch) => {
            setState({ ...state, settings: { ...state.settings, defaults: { ...state.settings.defaults, ...patch } } });
            await save(() => connector.setDefaults(patch));
          }} />
        {saveError ? <p class="notice" role="alert">{saveError}</p> : null}
      </section>
      <section aria-labelledby="sites-heading">
        <h2 id="sites-heading" tabIndex={-1}>{t("optionsSites")}</h2>
        <input type="search" aria-label={t("optionsSearch")} placeholder={t("optionsSearch")} value={query}
          onInput={(e) => setQuery(e.currentTarget.value)} />
        {sites.length ? (
          <table>
            <thead><tr><th>{t("colSite")}</th><th>{t("colSettings")}</th><th>{t("permissionsTitle")}</th><th>{t("colActions")}</th></tr></thead>
            <tbody>
              {sites.map((origin, index) => [
                <tr key={origin}>
                  <td>{origin}</td>
                  <td class="muted">{state.settings.sites[origin] ? describe(state.settings.sites[origin]) : null}</td>
                  <td><SitePermissionsPanel connector={connector} origin={origin} idPrefix={`row${index}`} nameSite
                    onChanged={() => void load()} /></td>
                  <td class="actions">
                    <button type="button" aria-label={`${t("edit")} ${origin}`} aria-expanded={editing === origin}
                      aria-controls={`edit-${index}`} onClick={() => setEditing(editing === origin ? null : origin)}>{t("edit")}</button>
                    {state.settings.sites[origin] ? (
                      <button type="button" aria-label={`${t("remove")} ${origin}`}
                        onClick={async () => {
                          await save(() => connector.resetSite(origin));
                          // The button goes (the row too, when nothing else is kept for the site).
                          document.getElementById("sites-heading")?.focus();
                        }}>{t("remove")}</button>
                    ) : null}
                  </td>
                </tr>,
                editing === origin ? (
                  <tr key={`${origin} edit`} id={`edit-${index}`}>
                    <td colSpan={4}>
                      {/* What the site gets now: its own settings over the defaults. */}
                      <div role="group" aria-label={t("editSiteLabel", origin)}>
                        <SiteControls idPrefix={`site${index}`} value={{ ...state.settings.defaults, ...state.settings.sites[origin] }}
                          onChange={(patch) => save(() => connector.setSiteSettings(origin, patch))} />
                      </div>
                    </td>
                  </tr>
                ) : null,
              ])}
            </tbody>
          </table>
        ) : <p class="muted">{t("optionsNoSites")}</p>}
      </section>
      <SettingsTransferSection connector={connector} currentSites={Object.keys(state.settings.sites).length}
        onImported={() => void load()} />
      <HistorySection connector={trackingConnector} />
      <section aria-labelledby="privacy-heading">
        <h2 id="privacy-heading">{t("privacyTitle")}</h2>
        <p>{t("privacyText")}</p>
      </section>
    </main>
  );
}

const root = document.getElementById("app");
if (root) render(<Options connector={extensionConnector} />, root);
