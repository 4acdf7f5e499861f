/**
 * The picker itself: which site asks, one group of radio buttons per kind with a live preview,
 * what allowing means for the browser permission, "Remember for this site", Allow and Cancel.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { CAPTURE_KINDS, type CaptureKind, type PickerChoice, type PromptView } from "../lib/picker";
import type { MessageKey } from "../../ui/i18n";
import { t } from "../../ui/i18n";
import { useArmed } from "./arming";
import {
  candidatesFor, failedConstraintFor, initialSelection, labelState, refKey, type DeviceOption, type DeviceRecord, type LabelState,
} from "./candidates";
import { deviceBusy, readDevices, requestOwnAccess } from "./devices";
import { CameraPreview, MicLevel } from "./previews";

const TEXT: Record<CaptureKind, { legend: MessageKey; none: MessageKey; noMatch: MessageKey }> = {
  video: { legend: "pickerCamera", none: "pickerNoneVideo", noMatch: "pickerNoMatchVideo" },
  audio: { legend: "pickerMicrophone", none: "pickerNoneAudio", noMatch: "pickerNoMatchAudio" },
};

function byKinds(kinds: CaptureKind[], video: MessageKey, audio: MessageKey, both: MessageKey): MessageKey | null {
  if (kinds.length === 2) return both;
  return kinds[0] === "video" ? video : kinds[0] === "audio" ? audio : null;
}

/**
 * What allowing means (mediacapture-extensions: the user agent "MUST disclose whether permission
 * will be granted only to the device chosen, or to all devices of that kind"). Chrome's
 * permission is per kind, so it always covers all devices of the kind.
 */
function disclosure(view: PromptView, kinds: CaptureKind[]): string {
  if (view.grants === false) {
    // Allow sets no permission here: the browser's own, and its prompt, decide (see PromptView).
    const devices = t(byKinds(kinds, "devicesVideo", "devicesAudio", "devicesBoth")!);
    const top = view.topOrigin && view.topOrigin !== view.origin ? view.topOrigin : null;
    if (!top) return t("pickerBrowserNext", devices);
    const allowed = kinds.every((kind) => view.permission[kind] === "allow");
    return t(allowed ? "pickerEmbeddedAlready" : "pickerEmbeddedBrowserNext", [top, devices]);
  }
  const already = kinds.filter((kind) => view.permission[kind] === "allow");
  const granted = kinds.filter((kind) => view.permission[kind] !== "allow");
  const parts: string[] = [];
  const first = byKinds(already, "pickerAlreadyVideo", "pickerAlreadyAudio", "pickerAlreadyBoth");
  const second = byKinds(granted, "pickerGrantVideo", "pickerGrantAudio", "pickerGrantBoth");
  if (first) parts.push(t(first));
  if (second) parts.push(t(second), t("pickerTemporary"));
  return parts.join(" ");
}

/** A translated sentence with an origin in it, the origin set apart so it stands out. */
function WithOrigin({ message, origin }: { message: MessageKey; origin: string }) {
  const mark = "\uE000";
  const [before, after] = t(message, mark).split(mark);
  if (after === undefined) return <>{before}</>;
  return <>{before}<bdi class="origin">{origin}</bdi>{after}</>;
}

interface KindState {
  kind: CaptureKind;
  labels: LabelState;
  options: DeviceOption[];
  selected: DeviceOption | null;
}

export function PickerForm(props: {
  view: PromptView;
  initialDevices: DeviceRecord[];
  onAnswer: (choice: PickerChoice | null, remember: boolean, ptz?: boolean) => void;
  /** No device satisfies the page's constraints: the request fails without a choice. */
  onOverconstrained?: (constraint: string) => void;
  notice?: ComponentChildren;
}) {
  const { view, onAnswer } = props;
  const kinds = CAPTURE_KINDS.filter((kind) => view.request[kind]);
  const [devices, setDevices] = useState(props.initialDevices);
  const [picked, setPicked] = useState<Partial<Record<CaptureKind, string>>>({});
  // Already remembering a device for this site: keep doing so unless the user says otherwise.
  const [remember, setRemember] = useState(kinds.some((kind) => view.remembered[kind] !== undefined));
  // The PTZ question, when the request asks for pan/tilt/zoom too: off unless the user ticks it.
  const [ptz, setPtz] = useState(false);
  const [access, setAccess] = useState<"idle" | "asking" | "denied" | "busy">("idle");
  const [answered, setAnswered] = useState(false);
  // State updates wait for the next render; a double click must not answer twice before that.
  const answeredNow = useRef(false);
  const [armed, armedNow] = useArmed();

  useEffect(() => {
    const reread = () => void readDevices().then(setDevices, () => undefined);
    navigator.mediaDevices.addEventListener("devicechange", reread);
    return () => navigator.mediaDevices.removeEventListener("devicechange", reread);
  }, []);

  const states: KindState[] = kinds.map((kind) => {
    const labels = labelState(devices, kind);
    const options = labels === "ready" ? candidatesFor(devices, kind, view.request[kind]!) : [];
    const selected = options.find((o) => refKey(o.ref) === picked[kind]) ??
      initialSelection(options, view.remembered[kind]);
    return { kind, labels, options, selected };
  });
  const missing = states.filter((s) => s.labels === "needs-access").map((s) => s.kind);
  // Once the device names are known: a kind with no device left fails the request, as the
  // browser's getUserMedia would (OverconstrainedError naming the constraint).
  const failed = states.map((s) => s.labels === "ready" && s.options.length === 0
    ? failedConstraintFor(devices, s.kind, view.request[s.kind]!) : null).find((f) => f !== null) ?? null;
  useEffect(() => {
    if (failed === null || answeredNow.current || !props.onOverconstrained) return;
    answeredNow.current = true;
    setAnswered(true);
    props.onOverconstrained(failed);
  }, [failed]);
  const ready = states.every((s) => s.selected !== null);
  const canAllow = ready && armed && !answered;

  const answer = (choice: PickerChoice | null) => {
    if (answeredNow.current) return;
    answeredNow.current = true;
    setAnswered(true);
    onAnswer(choice, remember && !view.incognito, view.ptz ? ptz : undefined);
  };
  const allow = () => {
    // The ref, not the rendered state: a key or click right after a focus change may come
    // before the re-render that disables the button.
    if (!ready || !armedNow.current) return;
    const choice: PickerChoice = {};
    for (const s of states) choice[s.kind] = s.selected!.ref;
    answer(choice);
  };
  const cancel = () => answer(null);

  // Registered once; it calls the handlers of the latest render.
  const handlers = useRef({ allow, cancel });
  handlers.current = { allow, cancel };
  // Before the first paint: a key pressed as soon as the picker shows counts (useEffect would
  // listen only after the paint).
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.isComposing) return;
      if (event.key === "Escape") {
        event.preventDefault();
        handlers.current.cancel();
      } else if (event.key === "Enter" && !event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        // A focused button activates itself; anywhere else Enter means Allow. A held-down key
        // (repeat) started before the picker appeared, so it never counts.
        if (event.target instanceof HTMLButtonElement) return;
        event.preventDefault();
        if (!event.repeat) handlers.current.allow();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  // Keyboard users start on the pre-selected device (never on Allow: see useArmed).
  const choosable = states.some((s) => s.options.length > 0);
  useEffect(() => {
    if (choosable && !document.activeElement?.closest("main, footer")) {
      document.querySelector<HTMLInputElement>("input[type=radio]:checked")?.focus();
    }
  }, [choosable]);

  const giveAccess = async () => {
    setAccess("asking");
    try {
      await requestOwnAccess(missing);
      setDevices(await readDevices());
      setAccess("idle");
    } catch (e) {
      setAccess(deviceBusy(e) ? "busy" : "denied");
    }
  };

  const heading = byKinds(kinds, "pickerAsksVideo", "pickerAsksAudio", "pickerAsksBoth")!;
  const embedded = view.topOrigin && view.topOrigin !== view.origin ? view.topOrigin : null;

  return (
    <div class="picker">
      <main class="picker-body">
        <header>
          <h1><WithOrigin message={heading} origin={view.origin} /></h1>
          {embedded ? <p class="embedded"><WithOrigin message="pickerEmbeddedIn" origin={embedded} /></p> : null}
          <p class="disclosure" id="disclosure">{disclosure(view, kinds)}</p>
        </header>
        {missing.length ? (
          <section class="notice access" aria-labelledby="access-title">
            <h2 id="access-title">{t("pickerNeedsAccessTitle")}</h2>
            <p>{t("pickerNeedsAccessText")}</p>
            {access === "denied" ? <p role="alert">{t("pickerAccessDenied")}</p> : null}
            {access === "busy" ? <p role="alert">{t("accessBusy")}</p> : null}
            <button type="button" onClick={giveAccess} disabled={access === "asking"}>{t("pickerGiveAccess")}</button>
          </section>
        ) : null}
        {/* Without labels there is nothing to choose by: the notice above explains. */}
        {states.filter((s) => s.labels !== "needs-access").map((s) => (
          <fieldset class={`kind kind-${s.kind}`} key={s.kind}>
            <legend>{t(TEXT[s.kind].legend)}</legend>
            {s.labels === "none" ? <p class="muted">{t(TEXT[s.kind].none)}</p> : null}
            {s.labels === "ready" && s.options.length === 0 ? <p class="muted">{t(TEXT[s.kind].noMatch)}</p> : null}
            {s.options.length ? (
              <div class="kind-body">
                <div class="choices">
                  {s.options.map((option) => {
                    const key = refKey(option.ref);
                    return (
                      <label class="choice" key={key}>
                        <input type="radio" name={`device-${s.kind}`} value={key}
                          checked={s.selected === option}
                          onChange={() => setPicked({ ...picked, [s.kind]: key })} />
                        <span class="device-label">
                          {option.label}
                          {option.label === view.remembered[s.kind] ? <> <span class="badge">{t("pickerRememberedBadge")}</span></> : null}
                        </span>
                      </label>
                    );
                  })}
                </div>
                {s.kind === "video"
                  ? <CameraPreview deviceId={s.selected?.deviceId ?? null} />
                  : <MicLevel deviceId={s.selected?.deviceId ?? null} />}
              </div>
            ) : null}
          </fieldset>
        ))}
        {view.ptz ? (
          <div class="ptz-question">
            <label>
              <input type="checkbox" checked={ptz} onChange={(e) => setPtz(e.currentTarget.checked)} />
              {t("pickerPtz")}
            </label>
            {view.ptz.browser === "prompt" ? <p class="muted">{t("ptzPromptBrowserNext")}</p> : null}
          </div>
        ) : null}
        {props.notice}
      </main>
      <footer class="actions">
        {view.incognito ? <span class="remember muted">{t("pickerPrivate")}</span> : (
          <label class="remember">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
            {t("pickerRemember")}
          </label>
        )}
        <button type="button" class="cancel" onClick={cancel} disabled={answered}>{t("pickerCancel")}</button>
        <button type="button" class="allow" onClick={allow} disabled={!canAllow} aria-describedby="disclosure"
          data-armed={armed ? "" : undefined}>
          {t("pickerAllow")}
        </button>
      </footer>
    </div>
  );
}
