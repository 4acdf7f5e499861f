import { perDay, type HistoryEntry } from "../extension/background/tracking-history";
import { t } from "./i18n";
import { formatDuration } from "./in-use-connector";

const DAYS = 14;
const W = 560;
const H = 140;
const PAD = { left: 56, bottom: 22, top: 8 };

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
  // Days as the user's language writes them ("19.11." in German); the data keeps ISO days.
  const dayFormat = new Intl.DateTimeFormat(t("htmlLang") || undefined, { month: "2-digit", day: "2-digit" });
  const dayLong = new Intl.DateTimeFormat(t("htmlLang") || undefined, { dateStyle: "medium" });
  const asDate = (day: string) => new Date(`${day}T12:00:00`);
  return (
    <figure class="history-chart">
      <figcaption>{t("historyChartTitle")}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" aria-hidden="true">
        <line x1={PAD.left} x2={W} y1={y(0)} y2={y(0)} class="axis" />
        <text x={PAD.left - 6} y={y(top * unit) + 8} text-anchor="end" class="tick">{t(unit === 3600 ? "unitHoursShort" : "unitMinutesShort", String(top))}</text>
        <text x={PAD.left - 6} y={y(0)} text-anchor="end" class="tick">0</text>
        {days.map((d, i) => {
          const x = PAD.left + i * slot + 2;
          const label = t("historyChartDay", [dayLong.format(asDate(d.day)), formatDuration(d.video * 1000), formatDuration(d.audio * 1000)]);
          return (
            <g key={d.day} data-day={d.day}>
              <title>{label}</title>
              <rect class="bar-video" x={x} y={y(d.video)} width={bar} height={y(0) - y(d.video)} />
              <rect class="bar-audio" x={x + bar + 1} y={y(d.audio)} width={bar} height={y(0) - y(d.audio)} />
              {i % 2 === DAYS % 2 ? null : <text x={x + bar} y={H - 6} text-anchor="middle" class="tick">{dayFormat.format(asDate(d.day))}</text>}
            </g>
          );
        })}
      </svg>
      {/* The same values for screen readers (the SVG is hidden from them). */}
      <table class="sr-only">
        <caption>{t("historyChartTitle")}</caption>
        <thead><tr><th scope="col">{t("historyColDay")}</th><th scope="col">{t("permissionCamera")}</th><th scope="col">{t("permissionMicrophone")}</th></tr></thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}><th scope="row">{dayLong.format(asDate(d.day))}</th><td>{formatDuration(d.video * 1000)}</td><td>{formatDuration(d.audio * 1000)}</td></tr>
          ))}
        </tbody>
      </table>
      <p class="legend hint" aria-hidden="true">
        <span class="swatch bar-video" /> {t("permissionCamera")} <span class="swatch bar-audio" /> {t("permissionMicrophone")}
      </p>
    </figure>
  );
}
