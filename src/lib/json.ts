import { apply, hasOwn, isArray, jsonParse, numberToString, objectCreate, ownKeys, stringCharCodeAt, stringFromCharCode, stringSlice } from "./natives";

/**
 * JSON for the bridge that a page cannot influence: `JSON.stringify` would consult `toJSON`
 * on `Object.prototype`/`Array.prototype`, which a page may define. This serializer reads own
 * data properties only and accepts exactly the shapes the bridge sends.
 */
export function toJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  const type = typeof value;
  if (type === "boolean") return value ? "true" : "false";
  if (type === "number") {
    const n = value as number;
    return n === n && n !== Infinity && n !== -Infinity ? (apply(numberToString, n, []) as string) : "null";
  }
  if (type === "string") return quote(value as string);
  if (isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + toJson(value[i]);
    return out + "]";
  }
  if (type === "object") {
    const keys = ownKeys(value as object);
    let out = "{";
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (typeof key !== "string") continue;
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || typeof item === "function") continue;
      out += (first ? "" : ",") + quote(key) + ":" + toJson(item);
      first = false;
    }
    return out + "}";
  }
  return "null";
}

function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = apply(stringCharCodeAt, text, [i]) as number;
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += "\\\\";
    else if (code < 0x20 || (code >= 0xd800 && code <= 0xdfff)) {
      const hex = apply(numberToString, code, [16]) as string;
      out += "\\u" + (apply(stringSlice, "0000", [hex.length]) as string) + hex;
    } else out += stringFromCharCode(code);
  }
  return out + '"';
}

/** Parses JSON into null-prototype objects, so properties inherited from a tampered
 * `Object.prototype` never appear as message fields. Returns undefined on bad input. */
export function fromJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return jsonParse(text, reviveNullProto);
  } catch {
    return undefined;
  }
}

function reviveNullProto(this: unknown, _key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || isArray(value)) return value;
  const clean = objectCreate(null) as Record<string, unknown>;
  const keys = ownKeys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (hasOwn(value, key)) clean[key] = (value as Record<string, unknown>)[key];
  }
  return clean;
}
