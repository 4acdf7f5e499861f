/**
 * The pack's file format, in one place for the build that writes it (scripts/build-pack.mjs) and
 * the service worker that reads its function's text back (extension/background/pack.ts). Not
 * imported by the main-world script.
 */
import { PACK_PROPERTY } from "./pack-contract";

const FILE_START = `this[${JSON.stringify(PACK_PROPERTY)}]=`;
const FILE_END = ";\n//# sourceURL=<anonymous>\n";

/** The pack's file for its function's source text `fn` (written by scripts/build-pack.mjs): an
 * assignment to PACK_PROPERTY, named like an eval'd script in stacks. */
export const packFile = (fn: string): string => FILE_START + fn + FILE_END;

/** The function's source text in a pack's file (the service worker tells frames this text), or
 * `undefined` for a file that is not one. */
export const packFunctionText = (file: string): string | undefined =>
  file.startsWith(FILE_START) && file.endsWith(FILE_END) && file.length > FILE_START.length + FILE_END.length
    ? file.slice(FILE_START.length, -FILE_END.length) : undefined;
