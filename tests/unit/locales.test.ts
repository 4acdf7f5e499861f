import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Every locale in public/_locales must be a complete translation of the English one: the same keys,
 * the same placeholders, and no empty message. chrome.i18n falls back to English for a missing key,
 * which hides the gap; a wrong placeholder shows "$SITE$" or an empty string to the user.
 */

interface Placeholder {
  content: string;
  example?: string;
}

interface Message {
  message: string;
  description?: string;
  placeholders?: Record<string, Placeholder>;
}

type Messages = Record<string, Message>;

const LOCALES_DIR = fileURLToPath(new URL("../../public/_locales/", import.meta.url));
const SOURCE = "en";

function readLocale(locale: string): Messages {
  return JSON.parse(readFileSync(`${LOCALES_DIR}${locale}/messages.json`, "utf8")) as Messages;
}

const locales = readdirSync(LOCALES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const translations = locales.filter((locale) => locale !== SOURCE);
const english = readLocale(SOURCE);

/**
 * What a message substitutes, in a form that can be compared between locales: the named
 * placeholders it uses ($NAME$, case-insensitive as in chrome.i18n), the positional ones it uses
 * directly ($1 … $9), and what each declared placeholder stands for. "$$" is a literal dollar sign.
 */
function substitutions(entry: Message): { named: string[]; positional: string[]; declared: string[] } {
  const text = entry.message.replaceAll("$$", "");
  const named = [...text.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((match) => match[1].toLowerCase());
  const rest = text.replace(/\$([A-Za-z0-9_@]+)\$/g, "");
  const positional = [...rest.matchAll(/\$(\d)/g)].map((match) => `$${match[1]}`);
  const declared = Object.entries(entry.placeholders ?? {}).map(
    ([name, placeholder]) => `${name.toLowerCase()}=${placeholder.content}`,
  );
  return { named: named.sort(), positional: positional.sort(), declared: declared.sort() };
}

/** Problems of one locale against the English messages; empty when the locale is complete. */
function localeProblems(source: Messages, target: Messages): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(source)) {
    if (!(key in target)) problems.push(`missing key ${key}`);
  }
  for (const key of Object.keys(target)) {
    if (!(key in source)) {
      problems.push(`extra key ${key}`);
      continue;
    }
    const entry = target[key];
    if (typeof entry?.message !== "string" || entry.message.trim() === "") {
      problems.push(`empty message ${key}`);
      continue;
    }
    const expected = substitutions(source[key]);
    const actual = substitutions(entry);
    for (const part of ["named", "positional", "declared"] as const) {
      if (JSON.stringify(actual[part]) !== JSON.stringify(expected[part])) {
        problems.push(`${key}: ${part} placeholders ${JSON.stringify(actual[part])}, English has ${JSON.stringify(expected[part])}`);
      }
    }
    for (const name of actual.named) {
      const declared = Object.keys(entry.placeholders ?? {}).some((placeholder) => placeholder.toLowerCase() === name);
      if (!declared) problems.push(`${key}: $${name.toUpperCase()}$ is used but not declared in placeholders`);
    }
  }
  return problems;
}

describe("locales", () => {
  it("has English and at least one more locale", () => {
    expect(locales).toContain(SOURCE);
    expect(translations.length).toBeGreaterThan(0);
  });

  it("has no empty English message", () => {
    const empty = Object.entries(english)
      .filter(([, entry]) => typeof entry?.message !== "string" || entry.message.trim() === "")
      .map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it("declares every placeholder the English messages use", () => {
    expect(localeProblems(english, english)).toEqual([]);
  });

  it.each(translations)("%s has every English key, the same placeholders, and no empty message", (locale) => {
    expect(localeProblems(english, readLocale(locale))).toEqual([]);
  });
});

describe("localeProblems", () => {
  const source: Messages = {
    plain: { message: "Camera" },
    named: { message: "$SITE$ wants your camera", placeholders: { site: { content: "$1" } } },
    positional: { message: "Used by $1" },
  };
  const complete: Messages = {
    plain: { message: "Kamera" },
    named: { message: "$SITE$ möchte Ihre Kamera", placeholders: { site: { content: "$1" } } },
    positional: { message: "Verwendet von $1" },
  };

  it("accepts a complete translation", () => {
    expect(localeProblems(source, complete)).toEqual([]);
  });

  it("accepts placeholder names in another case", () => {
    const target = { ...complete, named: { message: "$site$ möchte Ihre Kamera", placeholders: { SITE: { content: "$1" } } } };
    expect(localeProblems(source, target)).toEqual([]);
  });

  it.each<[string, Messages]>([
    ["a missing key", { plain: complete.plain, named: complete.named }],
    ["an extra key", { ...complete, other: { message: "Mehr" } }],
    ["an empty message", { ...complete, plain: { message: " " } }],
    ["a missing $NAME$", { ...complete, named: { message: "Ihre Kamera", placeholders: { site: { content: "$1" } } } }],
    ["a renamed $NAME$", { ...complete, named: { message: "$ORIGIN$ möchte Ihre Kamera", placeholders: { origin: { content: "$1" } } } }],
    ["a placeholder with other content", { ...complete, named: { message: "$SITE$ möchte Ihre Kamera", placeholders: { site: { content: "$2" } } } }],
    ["a missing placeholders object", { ...complete, named: { message: "$SITE$ möchte Ihre Kamera" } }],
    ["a missing $1", { ...complete, positional: { message: "Verwendet" } }],
    ["a different $n", { ...complete, positional: { message: "Verwendet von $2" } }],
  ])("reports %s", (_label, target) => {
    expect(localeProblems(source, target)).not.toEqual([]);
  });
});
