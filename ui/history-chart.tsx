import { perDay, type HistoryEntry } from "../extension/background/tracking-history";
import { t } from "./i18n";
import { formatDuration } from "./in-use-connector";

const DAYS = 14;
const W = 560;
const H = 140;
const PAD = { left: 44, bottom: 22, top: 8 };

/** Camera and microphone time per day as plain SVG: two bars a day, each with a text
 * alternative in its <title>, and a visually hidden table for screen readers. */
export function HistoryChart({ entries, now }: { entries: HistoryEntry[]; now: number }) {
  const days = perDay(entries, DAYS, now);
  const max = Math.max(60, ...days.flatMap((d) => [d.video, d.audio]));
  // Minutes or hours on the axis, whichever reads better.
  const unit = max >= 7200 ? 3600 : 60;
  const top = Math.ceil(max / unit);
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left) / DAYS;
  const bar = Math.max(2, slot / 2 - 3);
  const y = (seconds: number) => PAD.top + plotH - (seconds / (top * unit)) * plotH;
  return (
    <figure class="history-chart">
      <figcaption>{t("historyChartTitle")}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t("historyChartTitle")}>
        <line x1={PAD.left} x2={W} y1={y(0)} y2={y(0)} class="axis" />
        <text x={PAD.left - 6} y={y(top * unit) + 8} text-anchor="end" class="tick">{top}{unit === 3600 ? "h" : "m"}</text>
        <text x={PAD.left - 6} y={y(0)} text-anchor="end" class="tick">0</text>
        {days.map((d, i) => {
          const x = PAD.left + i * slot + 2;
          const label = t("historyChartDay", [d.day, formatDuration(d.video * 1000), formatDuration(d.audio * 1000)]);
          return (
            <g key={d.day} data-day={d.day}>
              <title>{label}</title>
              <rect class="bar-video" x={x} y={y(d.video)} width={bar} height={y(0) - y(d.video)} />
              <rect class="bar-audio" x={x + bar + 1} y={y(d.audio)} width={bar} height={y(0) - y(d.audio)} />
              {i % 2 === DAYS % 2 ? null : <text x={x + bar} y={H - 6} text-anchor="middle" class="tick">{d.day.slice(5)}</text>}
            </g>
          );
        })}
      </svg>
      <p class="legend hint">
        <span class="swatch bar-video" /> {t("permissionCamera")} <span class="swatch bar-audio" /> {t("permissionMicrophone")}
      </p>
    </figure>
  );
}
