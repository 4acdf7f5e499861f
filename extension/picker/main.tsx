/**
 * The trusted device picker, opened by the service worker in its own popup window as
 * extension/picker/index.html?prompt=<id> when a site's getUserMedia call leaves the user to
 * choose ("user-chooses" semantics). It reads the prompt from the service worker, offers the
 * extension's own devices by label, and answers with the user's choice (or null).
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import browser from "webextension-polyfill";
import type { UiMessage } from "../lib/messages";
import { isPickerRequest, type PickerChoice, type PromptView } from "../lib/picker";
import { t } from "../../ui/i18n";
import type { DeviceRecord } from "./candidates";
import { demoView } from "./demo";
import { readDevices } from "./devices";
import { PickerForm } from "./picker-form";
import { stopAllPreviews } from "./previews";
import "../../ui/base.css";
import "./picker.css";

const GONE_CLOSE_MS = 2500;
/** How often an open picker asks whether its request still waits (see checkPrompt). */
const CHECK_EVERY_MS = 1000;

const params = new URLSearchParams(location.search);
const demo = demoView(params);
const promptId = params.get("prompt") ?? "";

function send(message: UiMessage): Promise<unknown> {
  return browser.runtime.sendMessage(message);
}

function isPromptView(v: unknown): v is PromptView {
  if (typeof v !== "object" || v === null) return false;
  const view = v as Record<string, unknown>;
  return typeof view.id === "string" && typeof view.origin === "string" &&
    (view.topOrigin === null || typeof view.topOrigin === "string") && isPickerRequest(view.request) &&
    typeof view.remembered === "object" && view.remembered !== null &&
    typeof view.permission === "object" && view.permission !== null;
}

async function loadView(): Promise<PromptView> {
  if (demo) return demo;
  if (!promptId) throw new Error("no prompt id");
  const view = await send({ type: "ui.picker.get", promptId });
  if (!isPromptView(view) || view.id !== promptId) throw new Error("not this prompt");
  return view;
}

type Phase =
  | { name: "loading" }
  | { name: "ready"; view: PromptView; devices: DeviceRecord[] }
  | { name: "gone" }
  | { name: "demo-answered"; answer: string };

function App() {
  const [phase, setPhase] = useState<Phase>({ name: "loading" });

  useEffect(() => {
    Promise.all([loadView(), readDevices().catch(() => [])]).then(
      ([view, devices]) => setPhase({ name: "ready", view, devices }),
      () => setPhase({ name: "gone" }),
    );
    addEventListener("pagehide", stopAllPreviews);
  }, []);

  // A page that crashed sends nothing and Chrome fires no event: the service worker finds out when
  // asked, and closes this window.
  const ready = phase.name === "ready";
  useEffect(() => {
    if (!ready || demo) return;
    const timer = setInterval(() => void send({ type: "ui.picker.check", promptId }).then(
      (waiting) => { if (waiting === false) window.close(); },
      () => undefined,
    ), CHECK_EVERY_MS);
    return () => clearInterval(timer);
  }, [ready]);

  const shown = phase.name !== "loading";
  useEffect(() => {
    if (!shown) return;
    // The first frame with the prompt on screen: what the benchmark measures.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      document.documentElement.dataset.paintedAt ??= String(performance.timeOrigin + performance.now());
    }));
    if (phase.name === "gone") setTimeout(() => window.close(), GONE_CLOSE_MS);
  }, [shown]);

  if (phase.name === "loading") return <p class="muted status">{t("loading")}</p>;
  if (phase.name === "gone") return <p class="notice status" role="alert">{t("pickerGone")}</p>;
  if (phase.name === "demo-answered") {
    return <p class="notice status" role="status">{t("pickerDemoAnswer", phase.answer)}</p>;
  }

  const onAnswer = (choice: PickerChoice | null, remember: boolean, ptz?: boolean) => {
    // The site's stream must be the only one left on the device once the service worker acts.
    stopAllPreviews();
    if (demo) {
      setPhase({ name: "demo-answered", answer: JSON.stringify({ choice, remember, ptz }) });
      return;
    }
    send({ type: "ui.picker.answer", promptId, choice, remember, ...(ptz === undefined ? {} : { ptz }) })
      .catch(() => undefined)
      .finally(() => window.close());
  };
  const onOverconstrained = (constraint: string) => {
    stopAllPreviews();
    if (demo) {
      setPhase({ name: "demo-answered", answer: JSON.stringify({ overconstrained: constraint }) });
      return;
    }
    send({ type: "ui.picker.answer", promptId, choice: null, remember: false, overconstrained: constraint })
      .catch(() => undefined)
      .finally(() => window.close());
  };
  return (
    <PickerForm view={phase.view} initialDevices={phase.devices} onAnswer={onAnswer} onOverconstrained={onOverconstrained}
      notice={demo ? <p class="muted demo-notice">{t("pickerDemoNotice")}</p> : null} />
  );
}

document.title = t("pickerWindowTitle");
const root = document.getElementById("app");
if (root) render(<App />, root);
