/**
 * The PTZ prompt, opened by the service worker (background/ptz-prompts.ts) as
 * extension/ptz-prompt/index.html?prompt=<id> when a site with the "Ask" setting wants to move the
 * camera. It names the site, says whether the browser will ask as well, and answers Allow or Block
 * (remembered for the site). Closing the window grants nothing and remembers nothing.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import browser from "webextension-polyfill";
import type { PtzPromptView, PtzUiMessage } from "../lib/ptz";
import { t, type MessageKey } from "../../ui/i18n";
import { useArmed } from "../picker/arming";
import "../../ui/base.css";
import "./ptz-prompt.css";

const params = new URLSearchParams(location.search);
const promptId = params.get("prompt") ?? "";
const send = (message: PtzUiMessage) => browser.runtime.sendMessage(message);

/**
 * A built-in prompt for looking at it by hand and for screenshots, like the picker's:
 * ?demo=1 (an embedded site, the browser asks next) or ?demo=top (a top-level site the browser
 * already allows). It answers no site and never talks to the service worker.
 */
function demoView(): PtzPromptView | null {
  const demo = params.get("demo");
  if (!demo) return null;
  return {
    id: "demo",
    origin: "https://meet.rather-long-subdomain-for-layout-checks.conferencing.example",
    topOrigin: demo === "top" ? null : "https://intranet.example.org",
    browser: demo === "top" ? "granted" : "prompt",
  };
}
const demo = demoView();

/** A translated sentence with the site set apart. */
function WithOrigin({ message, origin }: { message: MessageKey; origin: string }) {
  const mark = "\uE000";
  const [before, after] = t(message, mark).split(mark);
  return <>{before}<bdi class="origin">{origin}</bdi>{after ?? ""}</>;
}

function App() {
  const [view, setView] = useState<PtzPromptView | "loading" | "gone">(demo ?? "loading");
  const [demoAnswer, setDemoAnswer] = useState<boolean | null>(null);
  const [armed, armedNow] = useArmed();
  useEffect(() => {
    if (demo) return;
    send({ type: "ui.ptzPrompt.get", promptId }).then(
      (v) => setView((v as PtzPromptView)?.id === promptId ? v as PtzPromptView : "gone"),
      () => setView("gone"),
    );
    // A page that crashed sends nothing and Chrome fires no event: the service worker finds out
    // when asked (checkPtzPrompt), and closes this window once no page waits.
    const timer = setInterval(() => void send({ type: "ui.ptzPrompt.check", promptId }).then(
      (waiting) => { if (waiting === false) window.close(); },
      () => undefined,
    ), 1000);
    return () => clearInterval(timer);
  }, []);
  // Escape closes the window, like the picker's Cancel: not this time, nothing remembered (not
  // Block, which is remembered for the site).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.isComposing) return;
      event.preventDefault();
      if (!demo) window.close();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  if (view === "loading") return <p class="muted prompt">{t("loading")}</p>;
  if (view === "gone") return <p class="notice prompt" role="alert">{t("pickerGone")}</p>;
  if (demoAnswer !== null) {
    return <p class="notice prompt" role="status">{t("ptzPromptDemoAnswer", JSON.stringify({ allow: demoAnswer }))}</p>;
  }
  const answer = (allow: boolean) => {
    if (allow && !armedNow.current) return;
    if (demo) return setDemoAnswer(allow);
    send({ type: "ui.ptzPrompt.answer", promptId, allow }).catch(() => undefined).finally(() => window.close());
  };
  return (
    <main class="prompt">
      <h1><WithOrigin message="ptzPromptTitle" origin={view.origin} /></h1>
      {view.topOrigin ? <p class="muted"><WithOrigin message="ptzPromptEmbedded" origin={view.topOrigin} /></p> : null}
      <p>{t(view.incognito ? "ptzPromptExplainPrivate" : view.topOrigin ? "ptzPromptExplainEmbedded" : "ptzPromptExplain")}</p>
      {view.browser === "prompt" ? <p class="notice">{t("ptzPromptBrowserNext")}</p> : null}
      {demo ? <p class="muted demo-notice">{t("ptzPromptDemoNotice")}</p> : null}
      <div class="buttons">
        <button type="button" onClick={() => answer(false)}>{t("ptzPromptBlock")}</button>
        <button type="button" class="primary" disabled={!armed} onClick={() => answer(true)}>{t("ptzPromptAllow")}</button>
      </div>
    </main>
  );
}

document.title = t("ptzPromptWindowTitle");
const root = document.getElementById("app");
if (root) render(<App />, root);
