/**
 * Export and import of all settings (issue 8), the worker's half: the options page sends the
 * file's text and the worker checks it (settings-document.ts) before anything is stored. An import
 * replaces the settings, and the remembered devices when the file has them, in one storage call
 * that also keeps the previous ones as `backup:settings-import:<time>`. Open pages hear of it
 * through storage.onChanged, like any other change (index.ts).
 */
import browser from "webextension-polyfill";
import { writeWithBackup } from "./checked-storage";
import type { UiHandlers } from "./messenger";
import { MessageError } from "./messenger";
import { listRemembered, REMEMBERED_KEY, whileRememberedHeld } from "./remembered";
import { ImportError, readSettingsDocument, toSettingsDocument, type ImportSummary } from "./settings-document";
import { getSettings, SETTINGS_KEY, whileSettingsHeld } from "./settings-store";

function read(text: unknown) {
  if (typeof text !== "string") throw new MessageError("TypeError", "the file's text is missing");
  try {
    return readSettingsDocument(text);
  } catch (error) {
    if (error instanceof ImportError) throw new MessageError("DataError", error.message);
    throw error;
  }
}

async function importSettings(text: unknown): Promise<ImportSummary> {
  const imported = read(text);
  await whileSettingsHeld(() => whileRememberedHeld(async () => {
    const previous = await browser.storage.local.get([SETTINGS_KEY, REMEMBERED_KEY]);
    const changes: Record<string, unknown> = { [SETTINGS_KEY]: imported.settings };
    if (imported.rememberedDevices) changes[REMEMBERED_KEY] = imported.rememberedDevices;
    await writeWithBackup("settings-import", {
      [SETTINGS_KEY]: previous[SETTINGS_KEY] ?? null, [REMEMBERED_KEY]: previous[REMEMBERED_KEY] ?? null,
    }, changes);
  }));
  return imported.summary;
}

export const settingsTransferUiHandlers: UiHandlers = {
  "ui.settings.export": async () => toSettingsDocument(await getSettings(), await listRemembered(), new Date()),
  /** Checks a file without storing it: what the page shows before asking to replace. */
  "ui.settings.checkImport": async (message) => read(message.text).summary,
  "ui.settings.import": async (message) => importSettings(message.text),
};
