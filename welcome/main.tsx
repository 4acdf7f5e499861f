/**
 * The welcome page, opened once when Capture Control is installed (background/index.ts). It says
 * what the extension does, gets the extension's own camera and microphone grant (so the picker can
 * name devices and show previews), and offers to reload the tabs that were open before the install.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import browser from "webextension-polyfill";
import { t, type MessageKey } from "../ui/i18n";
import { currentAccess, requestAccess, type AccessState } from "./own-access";
import { reloadTabs, tabsWithoutCaptureControl, type OpenTab } from "./open-tabs";
import "../ui/base.css";
import "./welcome.css";

const FEATURES: { title: MessageKey; text: MessageKey }[] = [
  { title: "welcomePickerTitle", text: "welcomePickerText" },
  { title: "welcomePtzTitle", text: "welcomePtzText" },
  { title: "welcomeTrackingTitle", text: "welcomeTrackingText" },
];

function AccessStep() {
  const [access, setAccess] = useState<AccessState>({ state: "unknown" });
  // What the extension holds already, unless the user asked meanwhile.
  useEffect(() => void currentAccess().then((now) => setAccess((shown) => shown.state === "unknown" ? now : shown), () => undefined), []);
  const ask = async () => {
    setAccess({ state: "asking" });
    setAccess(await requestAccess());
  };
  const status = access.state === "asking" ? <p>{t("welcomeAccessAsking")}</p>
    : access.state === "granted" ? <p class="ok">{t(access.already ? "welcomeAccessAlready" : "welcomeAccessGranted")}</p>
    : access.state === "denied" ? <p class="notice">{t("welcomeAccessDenied", access.reason)}</p>
    : access.state === "busy" ? <p class="notice">{t("accessBusy")}</p>
    : access.state === "no-devices" ? <p class="notice">{t("welcomeAccessNoDevices")}</p>
    : null;
  return (
    <section class="step" aria-labelledby="access-heading">
      <h2 id="access-heading">{t("welcomeAccessTitle")}</h2>
      <p>{t("welcomeAccessText")}</p>
      {access.state === "granted" ? null : (
        <p><button type="button" class="primary" disabled={access.state === "asking"} onClick={ask}>{t("welcomeAccessButton")}</button></p>
      )}
      <div role="status" class="result">
        {status}
        {access.state === "granted" && access.devices.length ? (
          <ul class="devices" aria-label={t("welcomeDevicesFound")}>{access.devices.map((label, i) => <li key={i}>{label}</li>)}</ul>
        ) : null}
      </div>
    </section>
  );
}

function ReloadStep() {
  const [tabs, setTabs] = useState<OpenTab[] | null>(null);
  const [outcome, setOutcome] = useState<{ failed: OpenTab[] } | null>(null);
  const refresh = () => void tabsWithoutCaptureControl().then(setTabs, () => setTabs([]));
  useEffect(() => {
    refresh();
    // Tabs may have been opened or closed meanwhile.
    addEventListener("focus", refresh);
    return () => removeEventListener("focus", refresh);
  }, []);
  const reload = async () => {
    if (!tabs) return;
    const failed = await reloadTabs(tabs);
    setOutcome({ failed });
    setTabs(failed);
  };
  return (
    <section class="step" aria-labelledby="reload-heading">
      <h2 id="reload-heading">{t("welcomeReloadTitle")}</h2>
      <p>{t("welcomeReloadText")}</p>
      {tabs === null ? <p class="muted">{t("loading")}</p> : tabs.length ? (<>
        <ul class="tabs" aria-label={t("welcomeTabsList")}>
          {tabs.map((tab) => <li key={tab.id}><span class="tab-title">{tab.title}</span> <span class="hint">{new URL(tab.url).host}</span></li>)}
        </ul>
        <p><button type="button" onClick={reload}>{t("welcomeReloadButton")}</button></p>
      </>) : outcome ? null : <p class="muted">{t("welcomeReloadNone")}</p>}
      <div role="status" class="result">
        {outcome ? (outcome.failed.length
          ? <p class="notice">{t("welcomeReloadFailed", outcome.failed.map((tab) => tab.title).join(", "))}</p>
          : <p class="ok">{t("welcomeReloadDone")}</p>) : null}
      </div>
    </section>
  );
}

function Welcome() {
  return (
    <main class="welcome">
      <header>
        <img src="/icons/icon-48.png" width={48} height={48} alt="" />
        <div>
          <h1>{t("welcomeTitle")}</h1>
          <p class="lead">{t("welcomeLead")}</p>
        </div>
      </header>
      <section aria-labelledby="what-heading">
        <h2 id="what-heading">{t("welcomeWhatTitle")}</h2>
        <ul class="features">
          {FEATURES.map((f) => (
            <li key={f.title}><h3>{t(f.title)}</h3><p>{t(f.text)}</p></li>
          ))}
        </ul>
      </section>
      <AccessStep />
      <ReloadStep />
      <footer>
        <p>{t("welcomeFinish")}</p>
        <p><button type="button" onClick={() => browser.runtime.openOptionsPage()}>{t("openOptions")}</button></p>
      </footer>
    </main>
  );
}

document.title = t("welcomeWindowTitle");
const root = document.getElementById("app");
if (root) render(<Welcome />, root);
