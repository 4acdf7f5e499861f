import { useEffect, useState } from "preact/hooks";
import type { LiveGroup } from "../extension/background/tracking";
import { t } from "./i18n";
import { formatDuration, type TrackingConnector } from "./in-use-connector";

/** The popup's "In use now": one row per tab, site and device, with Stop and Go to tab. */
export function InUseNow({ connector }: { connector: TrackingConnector }) {
  const [groups, setGroups] = useState<LiveGroup[] | null>(null);
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      const answer = await connector.live();
      // Durations count on the worker's clock.
      setOffset(answer.now - Date.now());
      setGroups(answer.groups);
      setError(null);
    } catch (e) {
      setError(String((e as Error).message ?? e));
    }
  };
  useEffect(() => {
    void load();
    const unsubscribe = connector.onLiveChange(() => void load());
    // Durations tick every second; every fifth second the worker also checks that each frame still
    // exists (a removed iframe or a crashed page sends nothing).
    let tick = 0;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (++tick % 5 === 0) void load();
    }, 1000);
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, []);

  return (
    <section aria-labelledby="in-use-heading" class="in-use">
      <h2 id="in-use-heading">{t("inUseTitle")}</h2>
      {error ? <p class="notice" role="alert">{error}</p> : null}
      {groups === null ? <p class="muted">{t("loading")}</p> : groups.length === 0 ? (
        <p class="muted">{t("inUseNone")}</p>
      ) : (
        <ul class="in-use-list">
          {groups.map((g, i) => {
            const device = t(g.kind === "video" ? "permissionCamera" : "permissionMicrophone");
            const name = g.label || t("unnamedDevice");
            const states = [g.paused && t("inUsePaused"), g.muted && t("inUseMuted"), g.ptz && t("inUsePtz")].filter(Boolean);
            return (
              <li key={`${g.tabId} ${g.origin} ${g.kind} ${g.label}`} class="in-use-row"
                aria-label={`${g.origin} ${device} ${name}`} aria-describedby={states.length ? `in-use-state-${i}` : undefined}>
                <span class="in-use-what">
                  <span class="origin" title={g.origin}>{g.origin}</span>
                  <span class="hint">
                    {device}: <span class="device-label">{name}</span>
                    {" · "}<span class="duration">{formatDuration(now + offset - g.since)}</span>
                  </span>
                  {g.topOrigin ? <span class="hint">{t("inUseEmbeddedIn", g.topOrigin)}</span> : null}
                  {states.length ? <span class="hint in-use-state" id={`in-use-state-${i}`}>{states.join(" · ")}</span> : null}
                </span>
                <span class="in-use-actions">
                  <button type="button" aria-label={t("inUseStopNamed", [`${device} ${name}`, g.origin])}
                    onClick={async () => { await connector.stop(g); setTimeout(() => void load(), 300); }}>
                    {t("inUseStop")}
                  </button>
                  <button type="button" aria-label={t("inUseGoToTabNamed", g.origin)}
                    onClick={() => void connector.goToTab(g.tabId)}>{t("inUseGoToTab")}</button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
