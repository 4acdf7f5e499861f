/**
 * Pan, tilt and zoom sliders in the popup, for a live PTZ capture in the current tab. They move
 * the camera through the page's own track (service worker → `ptz.move` push → the frame), so the
 * page's settings follow. Shown only while the tab has one.
 */
import { useEffect, useState } from "preact/hooks";
import browser from "webextension-polyfill";
import { defaultValue, PTZ_AXES, PTZ_COMMANDS, type PtzControlView, type PtzUiMessage } from "../extension/lib/ptz";
import type { PtzAxis } from "../src/bridge/protocol";
import { activeTab } from "./connector";
import { t, type MessageKey } from "./i18n";

const LABEL: Record<PtzAxis, MessageKey> = { pan: "ptzPan", tilt: "ptzTilt", zoom: "ptzZoom" };
const send = (message: PtzUiMessage) => browser.runtime.sendMessage(message) as Promise<PtzControlView | null>;

/** What a screen reader says: pan and tilt in degrees (the values are arc-seconds), zoom as is. */
const valueText = (axis: PtzAxis, value: number) => axis === "zoom" ? String(value) : `${Math.round(value / 360) / 10}°`;

export function PtzControls() {
  const [tabId, setTabId] = useState<number | undefined>();
  const [view, setView] = useState<PtzControlView | null>(null);
  const [shortcuts, setShortcuts] = useState<string[]>([]);
  useEffect(() => {
    // The keys the user has set (chrome://extensions/shortcuts), which may differ from ours.
    void browser.commands.getAll().then((all) => setShortcuts(all
      .filter((c) => c.name && c.name in PTZ_COMMANDS && c.shortcut)
      .map((c) => c.description ? `${c.shortcut}: ${c.description}` : c.shortcut!))).catch(() => undefined);
    let id: number | undefined;
    const refresh = async () => {
      if (id !== undefined) setView(await send({ type: "ui.ptz.get", tabId: id }).catch(() => null));
    };
    void activeTab().then((tab) => {
      id = tab?.id;
      setTabId(id);
      void refresh();
    });
    // A capture that starts or ends while the popup is open, another site taking control, the
    // site moving the camera itself: the sliders follow ("ptzControl" of background/ptz-control.ts).
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === "session" && "ptzControl" in changes) void refresh();
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, []);
  if (!view || tabId === undefined) return null;
  const move = async (values: Partial<Record<PtzAxis, number>>) => {
    setView({ ...view, values: { ...view.values, ...values } });
    // The capture may have ended meanwhile: the popup then shows what is there now.
    const next = await send({ type: "ui.ptz.move", tabId, values }).catch(() => undefined);
    setView(next === undefined ? await send({ type: "ui.ptz.get", tabId }).catch(() => null) : next);
  };
  const reset = () => {
    const values: Partial<Record<PtzAxis, number>> = {};
    for (const axis of PTZ_AXES) if (view.ranges[axis]) values[axis] = defaultValue(axis, view.ranges[axis]!);
    void move(values);
  };
  return (
    <section aria-labelledby="ptz-heading">
      <h2 id="ptz-heading">{t("ptzControlsTitle")}</h2>
      {view.active ? null : <p class="notice">{t("ptzPaused")}</p>}
      <div class="controls">
        {PTZ_AXES.map((axis) => {
          const range = view.ranges[axis];
          if (!range) return null;
          return (
            <label class="row" for={`ptz-${axis}`} key={axis}>
              <span class="label">{t(LABEL[axis])}</span>
              <input id={`ptz-${axis}`} type="range" min={range.min} max={range.max} step={range.step}
                value={view.values[axis] ?? range.min} disabled={!view.active}
                aria-valuetext={valueText(axis, view.values[axis] ?? range.min)}
                onChange={(e) => void move({ [axis]: Number(e.currentTarget.value) })} />
            </label>
          );
        })}
      </div>
      <button type="button" disabled={!view.active} onClick={reset}>{t("ptzReset")}</button>
      <p class="hint">{shortcuts.length ? t("ptzShortcuts", shortcuts.join("; ")) : t("ptzShortcutsNone")}</p>
    </section>
  );
}
