/**
 * Capture history (issue 5), pure: the stored shape, its repair, retention and size cap, and the
 * JSON and CSV exports. The store itself is in tracking.ts; the options page imports the exports.
 */
export type CaptureKind = "audio" | "video";

export interface HistoryEntry {
  /** The frame's origin (the site that captured). */
  origin: string;
  /** The tab's top-level origin when the capture ran in an embedded frame of another site. */
  topOrigin: string | null;
  kind: CaptureKind;
  label: string;
  /** ms since epoch */
  start: number;
  end: number;
}

export interface StoredHistory {
  version: 1;
  retentionDays: number;
  entries: HistoryEntry[];
  /** The last batch of ended captures written in (see tracking.ts): a worker stopped right after
   * writing it finds them here and does not add them twice. */
  written?: string;
}

export const DEFAULT_RETENTION_DAYS = 90;
export const MAX_RETENTION_DAYS = 3650;
/** The most entries the history keeps (see prune). */
export const MAX_HISTORY_ENTRIES = 10_000;
const DAY = 86_400_000;

export const emptyHistory = (): StoredHistory => ({ version: 1, retentionDays: DEFAULT_RETENTION_DAYS, entries: [] });

export function isHistoryEntry(v: unknown): v is HistoryEntry {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.origin === "string" && (e.topOrigin === null || typeof e.topOrigin === "string") &&
    (e.kind === "audio" || e.kind === "video") && typeof e.label === "string" &&
    Number.isFinite(e.start) && Number.isFinite(e.end) && (e.end as number) >= (e.start as number);
}

export const isRetentionDays = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_RETENTION_DAYS;

/** Reads what storage holds. `problem` is set when something had to be dropped; the caller then
 * keeps a backup of `raw` before writing the repaired history. */
export function loadHistory(raw: unknown): { history: StoredHistory; problem?: string } {
  if (raw === undefined) return { history: emptyHistory() };
  if (typeof raw !== "object" || raw === null || !Array.isArray((raw as StoredHistory).entries)) {
    return { history: emptyHistory(), problem: "The capture history could not be read." };
  }
  const r = raw as Partial<StoredHistory> & { version?: unknown };
  if (r.version !== 1) {
    return { history: emptyHistory(), problem: `The capture history has an unknown version (${String(r.version)}).` };
  }
  const entries = r.entries!.filter(isHistoryEntry);
  const retentionOk = isRetentionDays(r.retentionDays);
  const history: StoredHistory = {
    version: 1,
    retentionDays: retentionOk ? r.retentionDays! : DEFAULT_RETENTION_DAYS,
    entries,
  };
  if (typeof r.written === "string" && r.written.length <= 64) history.written = r.written;
  const dropped = r.entries!.length - entries.length;
  if (dropped || !retentionOk) {
    return { history, problem: dropped ? `${dropped} capture history entries could not be read.` : "The history retention setting could not be read." };
  }
  return { history };
}

/** One site's share: a page that opens and stops captures in a loop cannot push other sites out. */
export const MAX_ENTRIES_PER_SITE = 1_000;
/** The history's size in storage (estimated): storage.local holds 10 MB for everything. */
export const MAX_HISTORY_BYTES = 3_000_000;

/**
 * Whose share an entry counts in: the site in the address bar (a frame's captures count for the
 * page that embeds it), by its last two host labels. Subdomains are free for a page to make, so
 * `a.evil.example` and `b.evil.example` share one; an address or `localhost` is its own.
 */
export function shareOf(e: Pick<HistoryEntry, "origin" | "topOrigin">): string {
  const origin = e.topOrigin ?? e.origin;
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    return origin;
  }
  if (host.startsWith("[") || /^[\d.]+$/.test(host)) return host;
  return host.split(".").filter(Boolean).slice(-2).join(".");
}

const bytesOf = (e: HistoryEntry) => e.origin.length + (e.topOrigin?.length ?? 4) + e.label.length * 3 + 90;

/**
 * Drops entries older than the retention period, then each site's oldest beyond its share; then,
 * while the history is over its cap in entries or bytes, the oldest entry of the site that holds
 * the most (so that however many sites a page floods from, the others keep their latest).
 */
export function prune(history: StoredHistory, now: number): StoredHistory {
  const since = now - history.retentionDays * DAY;
  const kept = history.entries.filter((e) => e.end >= since);
  // Per share, newest first.
  const shares = new Map<string, HistoryEntry[]>();
  // (By origin first: a history holds few sites, and parsing 10,000 addresses at each write would not be free.)
  const shareByOrigin = new Map<string, string>();
  for (const e of kept) {
    const at = e.topOrigin ?? e.origin;
    let key = shareByOrigin.get(at);
    if (key === undefined) shareByOrigin.set(at, key = shareOf(e));
    const list = shares.get(key);
    if (list) list.push(e);
    else shares.set(key, [e]);
  }
  let count = 0, bytes = 0;
  for (const list of shares.values()) {
    list.sort((a, b) => b.end - a.end);
    list.length = Math.min(list.length, MAX_ENTRIES_PER_SITE);
    count += list.length;
    for (const e of list) bytes += bytesOf(e);
  }
  while (count > MAX_HISTORY_ENTRIES || bytes > MAX_HISTORY_BYTES) {
    let largest: HistoryEntry[] | undefined;
    for (const list of shares.values()) if (!largest || list.length > largest.length) largest = list;
    const dropped = largest!.pop()!;
    count--;
    bytes -= bytesOf(dropped);
  }
  // In the stored order.
  const keep = new Set<HistoryEntry>();
  for (const list of shares.values()) for (const e of list) keep.add(e);
  return { ...history, entries: kept.filter((e) => keep.has(e)) };
}

export function addEntries(history: StoredHistory, added: HistoryEntry[], now: number): StoredHistory {
  return prune({ ...history, entries: [...history.entries, ...added] }, now);
}

export function clearHistory(history: StoredHistory, origin?: string): StoredHistory {
  return { ...history, entries: origin === undefined ? [] : history.entries.filter((e) => e.origin !== origin) };
}

export function toJsonExport(entries: HistoryEntry[]): string {
  return JSON.stringify({
    format: "capture-control-history",
    version: 1,
    entries: entries.map((e) => ({
      origin: e.origin, topOrigin: e.topOrigin, kind: e.kind, label: e.label,
      start: new Date(e.start).toISOString(), end: new Date(e.end).toISOString(),
      durationSeconds: Math.round((e.end - e.start) / 1000),
    })),
  }, null, 2);
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. A leading
 * = + - @ is prefixed with ' so that a spreadsheet does not run a device label as a formula. */
function csvField(value: string | number | null): string {
  let s = value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsvExport(entries: HistoryEntry[]): string {
  const rows = [["origin", "top_origin", "kind", "label", "start", "end", "duration_seconds"].join(",")];
  for (const e of entries) {
    rows.push([
      e.origin, e.topOrigin, e.kind, e.label, new Date(e.start).toISOString(), new Date(e.end).toISOString(),
      Math.round((e.end - e.start) / 1000),
    ].map(csvField).join(","));
  }
  return rows.join("\r\n") + "\r\n";
}

/** Seconds of camera and microphone use per local calendar day, for the last `days` days (oldest
 * first). A capture that spans midnight counts on both days. */
export function perDay(entries: HistoryEntry[], days: number, now: number): { day: string; video: number; audio: number }[] {
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const out: { day: string; video: number; audio: number; from: number; to: number }[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const from = new Date(today);
    from.setDate(today.getDate() - i);
    const to = new Date(from);
    to.setDate(from.getDate() + 1);
    const day = `${from.getFullYear()}-${String(from.getMonth() + 1).padStart(2, "0")}-${String(from.getDate()).padStart(2, "0")}`;
    out.push({ day, video: 0, audio: 0, from: from.getTime(), to: to.getTime() });
  }
  for (const e of entries) {
    for (const d of out) {
      const overlap = Math.min(e.end, d.to) - Math.max(e.start, d.from);
      if (overlap > 0) d[e.kind] += overlap / 1000;
    }
  }
  return out.map(({ day, video, audio }) => ({ day, video, audio }));
}
