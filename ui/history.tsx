import { useEffect, useState } from "preact/hooks";
import {
  toCsvExport, toJsonExport, type HistoryEntry, type StoredHistory,
} from "../extension/background/tracking-history";
import { download } from "./download";
import { HistoryChart } from "./history-chart";
import { t } from "./i18n";
import { formatDuration, type TrackingConnector } from "./in-use-connector";

/** Rows shown in the captures table; the exports always hold everything that matches. */
const MAX_ROWS = 200;

interface SiteRow { origin: string; video: number; audio: number; lastUsed: number; count: number }
type SiteKey = "origin" | "video" | "audio" | "lastUsed";
type EntryKey = "origin" | "label" | "start" | "duration";
type Sort<K> = { key: K; descending: boolean };

function summarize(entries: HistoryEntry[]): SiteRow[] {
  const sites = new Map<string, SiteRow>();
  for (const e of entries) {
    const row = sites.get(e.origin) ?? { origin: e.origin, video: 0, audio: 0, lastUsed: 0, count: 0 };
    row[e.kind] += e.end - e.start;
    row.lastUsed = Math.max(row.lastUsed, e.end);
    row.count++;
    sites.set(e.origin, row);
  }
  return [...sites.values()];
}

function compare(a: string | number, b: string | number): number {
  return typeof a === "string" ? a.localeCompare(b as string) : a - (b as number);
}

function sorted<T, K extends string>(rows: T[], sort: Sort<K>, value: (row: T, key: K) => string | number): T[] {
  return [...rows].sort((a, b) => compare(value(a, sort.key), value(b, sort.key)) * (sort.descending ? -1 : 1));
}

/** A column header that sorts; aria-sort tells assistive technology which column is sorted how. */
function SortHeader<K extends string>(props: { label: string; column: K; sort: Sort<K>; onSort: (s: Sort<K>) => void }) {
  const { label, column, sort, onSort } = props;
  const active = sort.key === column;
  return (
    <th aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}>
      <button type="button" class="sort"
        onClick={() => onSort({ key: column, descending: active ? !sort.descending : column !== "origin" && column !== "label" })}>
        {label}{active ? (sort.descending ? " ▼" : " ▲") : ""}
      </button>
    </th>
  );
}

const matches = (e: HistoryEntry, query: string) =>
  !query || e.origin.toLowerCase().includes(query) || e.label.toLowerCase().includes(query) ||
  (e.topOrigin ?? "").toLowerCase().includes(query);

/** The options page's "History": chart, per-site summary, captures, exports, clear, retention. */
export function HistorySection({ connector }: { connector: TrackingConnector }) {
  const [history, setHistory] = useState<StoredHistory | null>(null);
  const [query, setQuery] = useState("");
  const [siteSort, setSiteSort] = useState<Sort<SiteKey>>({ key: "lastUsed", descending: true });
  const [entrySort, setEntrySort] = useState<Sort<EntryKey>>({ key: "start", descending: true });
  const [confirming, setConfirming] = useState(false);
  const [retention, setRetention] = useState("");
  /** A shorter retention that would remove captures, waiting for the user's yes. */
  const [shorter, setShorter] = useState<{ days: number; removes: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const apply = (next: StoredHistory) => {
    setHistory(next);
    setRetention(String(next.retentionDays));
  };
  const run = async (task: () => Promise<StoredHistory>) => {
    try {
      apply(await task());
      setError(null);
    } catch (e) {
      setError(String((e as Error).message ?? e));
    }
  };
  useEffect(() => void run(() => connector.history()), []);

  if (!history) return error ? <p class="notice" role="alert">{error}</p> : <p class="muted">{t("loading")}</p>;
  /** A retention that would remove captures is asked about first; others are stored at once. */
  const changeRetention = (days: number) => {
    if (!Number.isInteger(days) || days === history.retentionDays) return;
    const cutoff = Date.now() - days * 86_400_000;
    const removes = history.entries.filter((e) => e.end < cutoff).length;
    if (removes > 0) setShorter({ days, removes });
    else void run(() => connector.setRetention(days));
  };
  const q = query.trim().toLowerCase();
  const entries = history.entries.filter((e) => matches(e, q));
  const sites = sorted(summarize(entries), siteSort, (row, key) => row[key]);
  // The latest MAX_ROWS captures (what the hint below says), in the order the user chose.
  const latest = entries.length > MAX_ROWS ? sorted(entries, { key: "start", descending: true }, (e, key) => e[key]).slice(0, MAX_ROWS) : entries;
  const rows = sorted(latest, entrySort, (e, key) => key === "duration" ? e.end - e.start : e[key]);
  const stamp = new Date().toISOString().slice(0, 10);

  return (
    <section aria-labelledby="history-heading" class="history">
      <h2 id="history-heading">{t("historyTitle")}</h2>
      <p class="hint">{t("historyHint")}</p>
      {error ? <p class="notice" role="alert">{error}</p> : null}
      <form class="row retention" onSubmit={(e) => { e.preventDefault(); changeRetention(Number(retention)); }}>
        <label for="history-retention">{t("historyRetention")}</label>
        <input id="history-retention" type="number" min={1} max={3650} required value={retention}
          onInput={(e) => setRetention(e.currentTarget.value)}
          onChange={(e) => changeRetention(Number(e.currentTarget.value))} />
      </form>
      {shorter ? (
        <p class="row">
          <span role="alert">{t("historyRetentionConfirm", [String(shorter.removes), String(shorter.days)])}</span>
          <button type="button" onClick={() => { setShorter(null); void run(() => connector.setRetention(shorter.days)); }}>{t("historyConfirmRemove")}</button>
          <button type="button" onClick={() => { setShorter(null); setRetention(String(history.retentionDays)); }}>{t("historyCancel")}</button>
        </p>
      ) : null}
      <HistoryChart entries={history.entries} now={Date.now()} />
      <div class="row history-tools">
        <input type="search" aria-label={t("historySearch")} placeholder={t("historySearch")} value={query}
          onInput={(e) => setQuery(e.currentTarget.value)} />
        <button type="button" disabled={!entries.length}
          onClick={() => download(`capture-history-${stamp}.json`, "application/json", toJsonExport(entries))}>
          {t("historyExportJson")}
        </button>
        <button type="button" disabled={!entries.length}
          onClick={() => download(`capture-history-${stamp}.csv`, "text/csv", toCsvExport(entries))}>
          {t("historyExportCsv")}
        </button>
      </div>
      {history.entries.length === 0 ? <p class="muted">{t("historyEmpty")}</p> : (<>
        <h3>{t("historySites")}</h3>
        <table class="history-sites">
          <thead><tr>
            <SortHeader label={t("colSite")} column="origin" sort={siteSort} onSort={setSiteSort} />
            <SortHeader label={t("historyColCamera")} column="video" sort={siteSort} onSort={setSiteSort} />
            <SortHeader label={t("historyColMicrophone")} column="audio" sort={siteSort} onSort={setSiteSort} />
            <SortHeader label={t("historyColLastUsed")} column="lastUsed" sort={siteSort} onSort={setSiteSort} />
            <th>{t("colActions")}</th>
          </tr></thead>
          <tbody>
            {sites.map((s) => (
              <tr key={s.origin}>
                <td>{s.origin}</td>
                <td>{formatDuration(s.video)}</td>
                <td>{formatDuration(s.audio)}</td>
                <td>{new Date(s.lastUsed).toLocaleString()}</td>
                <td><button type="button" aria-label={t("historyClearSite", s.origin)}
                  onClick={() => void run(() => connector.clearHistory(s.origin))}>{t("historyClear")}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>{t("historyEntries")}</h3>
        <table class="history-entries">
          <thead><tr>
            <SortHeader label={t("colSite")} column="origin" sort={entrySort} onSort={setEntrySort} />
            <SortHeader label={t("historyColDevice")} column="label" sort={entrySort} onSort={setEntrySort} />
            <SortHeader label={t("historyColStart")} column="start" sort={entrySort} onSort={setEntrySort} />
            <SortHeader label={t("historyColDuration")} column="duration" sort={entrySort} onSort={setEntrySort} />
          </tr></thead>
          <tbody>
            {rows.map((e, i) => (
              <tr key={`${e.origin} ${e.start} ${e.kind} ${i}`}>
                <td>{e.origin}{e.topOrigin ? <span class="hint">{t("inUseEmbeddedIn", e.topOrigin)}</span> : null}</td>
                <td>{t(e.kind === "video" ? "permissionCamera" : "permissionMicrophone")}: {e.label || t("unnamedDevice")}</td>
                <td>{new Date(e.start).toLocaleString()}</td>
                <td class="duration">{formatDuration(e.end - e.start)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.length > MAX_ROWS ? <p class="hint">{t("historyMore", String(MAX_ROWS))}</p> : null}
        <p class="row">
          {confirming ? (<>
            <span role="alert">{t("historyClearAllConfirm")}</span>
            <button type="button" onClick={() => { setConfirming(false); void run(() => connector.clearHistory()); }}>{t("historyConfirm")}</button>
            <button type="button" onClick={() => setConfirming(false)}>{t("historyCancel")}</button>
          </>) : (
            <button type="button" onClick={() => setConfirming(true)}>{t("historyClearAll")}</button>
          )}
        </p>
      </>)}
    </section>
  );
}
