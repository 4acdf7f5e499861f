import { t } from "./i18n";

/** What a page shows before its state is in: "Loading…", or why it could not load and a retry. */
export function LoadState({ error, retry }: { error: string | null; retry: () => unknown }) {
  if (!error) return <p class="muted">{t("loading")}</p>;
  return (
    <div class="notice" role="alert">
      <p>{error}</p>
      <button type="button" onClick={() => void retry()}>{t("retry")}</button>
    </div>
  );
}
