import { apply, hasOwn, isArray, jsonParse, jsonStringify, objectCreate, ownKeys } from "./natives";

/**
 * JSON for the bridge that a page cannot influence: `JSON.stringify` of an object would consult `toJSON`
 * on `Object.prototype`/`Array.prototype`, which a page may define. This serializer reads own
 * data properties only and accepts exactly the shapes the bridge sends.
 */
export function toJson(value: unknown): string {
  const type = typeof value;
  // A primitive's JSON reads no `toJSON` (only an object's): the browser's, captured at start.
  if (type === "string" || type === "number" || type === "boolean") return apply(jsonStringify, undefined, [value]) as string;
  if (value === null || value === undefined) return "null";
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

const quote = (text: string): string => apply(jsonStringify, undefined, [text]) as string;

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
