import { describe, expect, it } from "vitest";
import { fromJson, toJson } from "../../src/lib/json";

/** Defines `key` on `target` for the duration of `run`, then removes it again. */
function withProperty(target: object, key: string, value: unknown, run: () => void): void {
  Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: false });
  try {
    run();
  } finally {
    delete (target as Record<string, unknown>)[key];
  }
}

describe("toJson", () => {
  it.each([
    ["null", null],
    ["true", true],
    ["false", false],
    ["zero", 0],
    ["an integer", 42],
    ["a negative float", -3.25],
    ["a large number", 1e21],
    ["a tiny number", 5e-324],
    ["an empty string", ""],
    ["an empty object", {}],
    ["an empty array", []],
  ])("serializes %s like JSON.stringify", (_label, value) => {
    expect(toJson(value)).toBe(JSON.stringify(value));
  });

  it("round-trips nested objects and arrays", () => {
    const value = {
      kind: "reply",
      id: "abc123",
      ok: true,
      value: {
        list: [1, "two", [3, [4, { five: 5 }]], null, false],
        nested: { deeper: { deepest: { n: -0.5, s: "x" } } },
        empty: { obj: {}, arr: [] },
      },
    };
    const text = toJson(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).toBe(JSON.stringify(value));
  });

  it("escapes quotes, backslashes and control characters", () => {
    const tricky = 'say "hi" \\ back\\slash \n\r\t\b\f \u0000 \u0001 \u001f end';
    const text = toJson({ [tricky]: tricky, list: [tricky] });
    expect(JSON.parse(text)).toEqual({ [tricky]: tricky, list: [tricky] });
    // No raw control character may appear in the output.
    expect(/[\u0000-\u001f]/.test(text)).toBe(false);
  });

  it("round-trips lone surrogates (as escapes, so the text is well-formed) and surrogate pairs", () => {
    const strings = ["\ud800", "\udfff", "a\ud83db", "x\ude00y", "\ud83d\ude00", "\udc00\ud800", "é€ 日本"];
    for (const s of strings) {
      const text = toJson(s);
      expect(JSON.parse(text)).toBe(s);
      // No lone surrogate: each high one is followed by a low one, each low one preceded by a high one.
      expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)).toBe(false);
    }
    expect(toJson("\ud800")).toBe('"\\ud800"');
  });

  it("is not misled by a page's toJSON, even on String.prototype and Number.prototype", () => {
    const protos = [Object.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype] as unknown as Record<string, unknown>[];
    for (const p of protos) p.toJSON = () => "hijacked";
    try {
      expect(toJson({ a: "s", b: [1, true, "x"], c: { d: 2.5 } })).toBe('{"a":"s","b":[1,true,"x"],"c":{"d":2.5}}');
    } finally {
      for (const p of protos) delete p.toJSON;
    }
  });

  it("writes NaN and infinities as null", () => {
    expect(toJson(Number.NaN)).toBe("null");
    expect(toJson(Infinity)).toBe("null");
    expect(toJson(-Infinity)).toBe("null");
    expect(JSON.parse(toJson({ a: Number.NaN, b: [Infinity, -Infinity, 1] }))).toEqual({ a: null, b: [null, null, 1] });
  });

  it("writes undefined as null at the top level and in arrays", () => {
    expect(toJson(undefined)).toBe("null");
    expect(toJson([undefined, () => 1, 2])).toBe("[null,null,2]");
  });

  it("skips undefined and function members of objects", () => {
    const text = toJson({ a: 1, b: undefined, c() { return 3; }, d: () => 4, e: "kept" });
    expect(text).toBe('{"a":1,"e":"kept"}');
    expect(toJson({ only: undefined })).toBe("{}");
  });

  it("skips symbol keys", () => {
    const hidden = Symbol("hidden");
    const text = toJson({ [hidden]: "secret", visible: 1, [Symbol.iterator]: 2 });
    expect(text).toBe('{"visible":1}');
    expect(text).not.toContain("secret");
  });

  it("ignores inherited properties", () => {
    const proto = { inherited: "no" };
    const obj = Object.create(proto) as Record<string, unknown>;
    obj.own = "yes";
    expect(toJson(obj)).toBe('{"own":"yes"}');
  });

  it("ignores a toJSON defined on Object.prototype", () => {
    withProperty(Object.prototype, "toJSON", () => "forged", () => {
      expect(JSON.stringify({ a: 1 })).toBe('"forged"'); // the attack works on the built-in
      const text = toJson({ a: 1, nested: { b: "two" } });
      expect(text).toBe('{"a":1,"nested":{"b":"two"}}');
    });
    expect(Object.prototype).not.toHaveProperty("toJSON");
  });

  it("ignores a toJSON defined on Array.prototype", () => {
    withProperty(Array.prototype, "toJSON", () => "forged", () => {
      expect(JSON.stringify([1])).toBe('"forged"');
      expect(toJson({ list: [1, [2, 3]] })).toBe('{"list":[1,[2,3]]}');
    });
    expect(Array.prototype).not.toHaveProperty("toJSON");
  });

  it("is not affected by a replaced JSON.stringify or String.prototype.charCodeAt", () => {
    const stringify = JSON.stringify;
    const charCodeAt = String.prototype.charCodeAt;
    try {
      JSON.stringify = () => "forged";
      String.prototype.charCodeAt = () => 65;
      expect(toJson({ s: "q\"" })).toBe('{"s":"q\\""}');
    } finally {
      JSON.stringify = stringify;
      String.prototype.charCodeAt = charCodeAt;
    }
  });
});

describe("fromJson", () => {
  it("parses values", () => {
    expect(fromJson("1")).toBe(1);
    expect(fromJson('"s"')).toBe("s");
    expect(fromJson("null")).toBeNull();
    expect(fromJson("true")).toBe(true);
    expect(fromJson("[1,2]")).toEqual([1, 2]);
  });

  it("returns null-prototype objects, nested ones too", () => {
    const parsed = fromJson('{"a":{"b":{"c":1}},"list":[{"d":2}]}') as Record<string, any>;
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.getPrototypeOf(parsed.a)).toBeNull();
    expect(Object.getPrototypeOf(parsed.a.b)).toBeNull();
    expect(parsed.a.b.c).toBe(1);
    expect(Array.isArray(parsed.list)).toBe(true);
    expect(Object.getPrototypeOf(parsed.list[0])).toBeNull();
    expect(parsed.list[0].d).toBe(2);
  });

  it("does not expose properties added to Object.prototype", () => {
    withProperty(Object.prototype, "kind", "forged", () => {
      expect(({} as Record<string, unknown>).kind).toBe("forged"); // a plain object would inherit it
      const parsed = fromJson('{"id":"x","nested":{}}') as Record<string, any>;
      expect(parsed.kind).toBeUndefined();
      expect("kind" in parsed).toBe(false);
      expect(parsed.nested.kind).toBeUndefined();
    });
  });

  it("keeps a __proto__ key as a plain own property", () => {
    const parsed = fromJson('{"__proto__":{"polluted":true},"a":1}') as Record<string, any>;
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.hasOwn(parsed, "__proto__")).toBe(true);
    expect(parsed.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed.a).toBe(1);
  });

  it("round-trips toJson output", () => {
    const value = { s: "\"\\\n\ud800", n: [1.5, null, true], o: { x: "y" } };
    expect(fromJson(toJson(value))).toEqual(value);
  });

  it.each([[undefined], [null], [42], [{}], [["[]"]], [new String("{}")]])(
    "returns undefined for the non-string %s",
    (input) => {
      expect(fromJson(input)).toBeUndefined();
    },
  );

  it.each([[""], ["{"], ["{a:1}"], ["'s'"], ["[1,]"], ["undefined"], ["NaN"], ['{"a":1} x']])(
    "returns undefined for the invalid JSON %j",
    (input) => {
      expect(fromJson(input)).toBeUndefined();
    },
  );

  it("is not affected by a replaced JSON.parse", () => {
    const parse = JSON.parse;
    try {
      JSON.parse = () => ({ forged: true });
      expect(fromJson('{"real":1}')).toEqual({ real: 1 });
    } finally {
      JSON.parse = parse;
    }
  });
});
