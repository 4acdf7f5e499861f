import { useEffect, useRef, useState } from "preact/hooks";
import { MAX_IMPORT_BYTES, type ImportSummary } from "../extension/background/settings-document";
import type { Connector } from "./connector";
import { download } from "./download";
import { t } from "./i18n";

type TransferConnector = Pick<Connector, "exportSettings" | "checkImport" | "importSettings">;

/** A file the worker has checked, waiting for the user to confirm the replacement. */
interface Pending { name: string; text: string; summary: ImportSummary }

const reasonOf = (e: unknown) => e instanceof Error ? e.message : String(e);

function exportedOn(summary: ImportSummary): string | null {
  const at = summary.exportedAt ? new Date(summary.exportedAt) : null;
  return at && !Number.isNaN(at.getTime()) ? at.toLocaleString() : null;
}

/**
 * The options page's export and import of all settings. The file is only read here; the worker
 * checks it twice (when it is picked, to show what it holds, and when the user confirms) and is
 * the one that stores it. `currentSites` is how many sites have their own settings now.
 */
export function SettingsTransferSection(props: { connector: TransferConnector; currentSites: number; onImported: () => void }) {
  const { connector, currentSites, onImported } = props;
  const [pending, setPending] = useState<Pending | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const importButton = useRef<HTMLButtonElement>(null);
  const confirmStep = useRef<HTMLDivElement>(null);
  // The confirm step takes the focus, so that a screen reader reads what the file holds; Replace
  // and Cancel give it back to the Import button.
  useEffect(() => {
    if (pending) confirmStep.current?.focus();
  }, [pending]);
  const close = () => {
    setPending(null);
    importButton.current?.focus();
  };

  const exportAll = async () => {
    setDone(null);
    try {
      const file = await connector.exportSettings();
      download(`capture-control-settings-${file.exportedAt.slice(0, 10)}.json`, "application/json",
        JSON.stringify(file, null, 2));
      setError(null);
    } catch (e) {
      setError(t("settingsExportFailed", reasonOf(e)));
    }
  };

  const pick = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    // Cleared so that picking the same file again (after fixing it) is a change too.
    input.value = "";
    setPending(null);
    setDone(null);
    if (!file) return;
    // The worker refuses it too; this spares reading a huge file into the page.
    if (file.size > MAX_IMPORT_BYTES) {
      setError(t("settingsImportRefused", [file.name, t("settingsImportTooLarge")]));
      return;
    }
    try {
      const text = await file.text();
      setPending({ name: file.name, text, summary: await connector.checkImport(text) });
      setError(null);
    } catch (e) {
      setError(t("settingsImportRefused", [file.name, reasonOf(e)]));
    }
  };

  const replace = async (file: Pending) => {
    close();
    try {
      const summary = await connector.importSettings(file.text);
      setError(null);
      setDone(t("settingsImported", String(summary.sites)));
      onImported();
    } catch (e) {
      setError(t("settingsImportRefused", [file.name, reasonOf(e)]));
    }
  };

  const exported = pending ? exportedOn(pending.summary) : null;
  return (
    <section aria-labelledby="transfer-heading" class="transfer">
      <h2 id="transfer-heading">{t("settingsTransferTitle")}</h2>
      <p class="hint">{t("settingsTransferHint")}</p>
      <div class="row transfer-tools">
        <button type="button" onClick={() => void exportAll()}>{t("settingsExport")}</button>
        <input ref={fileInput} id="settings-import-file" type="file" accept=".json,application/json" hidden
          aria-label={t("settingsImport")} onChange={(e) => void pick(e.currentTarget)} />
        <button type="button" ref={importButton} onClick={() => fileInput.current?.click()}>
          {t("settingsImport")}
        </button>
      </div>
      {error ? <p class="notice" role="alert">{error}</p> : null}
      {/* A live region is announced only when it changes after it was there: it always is. */}
      <div role="status">{done ? <p class="ok">{done}</p> : null}</div>
      {pending ? (
        <div role="group" aria-labelledby="transfer-confirm-heading" class="transfer-confirm" tabIndex={-1} ref={confirmStep}>
          <h3 id="transfer-confirm-heading">{t("settingsImportConfirmTitle", pending.name)}</h3>
          <ul>
            {exported ? <li>{t("settingsImportExported", exported)}</li> : null}
            <li>{t("settingsImportSites", String(pending.summary.sites))}</li>
            <li>{pending.summary.rememberedDevices === null ? t("settingsImportNoRemembered")
              : t("settingsImportRemembered", String(pending.summary.rememberedDevices))}</li>
          </ul>
          <p>{t("settingsImportWarning", String(currentSites))}</p>
          <p class="row">
            <button type="button" class="primary" onClick={() => void replace(pending)}>{t("settingsImportConfirm")}</button>
            <button type="button" onClick={close}>{t("settingsImportCancel")}</button>
          </p>
        </div>
      ) : null}
    </section>
  );
}
