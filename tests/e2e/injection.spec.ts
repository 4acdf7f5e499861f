import { expect, test } from "./fixtures";

test.describe("main-world script", () => {
  test("is in place for the page's first script and in about:blank iframes it creates", async ({ page, site }) => {
    await page.goto(`${site.origin}/first-script.html`);
    const seen = await page.evaluate(() => (window as unknown as { firstScript: Record<string, unknown> }).firstScript);
    expect(seen).toEqual({
      semantics: "browser-chooses",
      blankFrame: "browser-chooses",
      blankFrameOwnRealm: true,
      nestedBlankFrame: "browser-chooses",
    });
  });

  test("defaultSemantics is shaped like a WebIDL attribute", async ({ page, site }) => {
    await page.goto(`${site.origin}/index.html`);
    const shape = await page.evaluate(() => {
      const d = Object.getOwnPropertyDescriptor(MediaDevices.prototype, "defaultSemantics")!;
      const get = d.get!;
      let foreign = "";
      try {
        get.call({});
      } catch (e) {
        foreign = `${(e as Error).name}: ${(e as Error).message}`;
      }
      let construct = "";
      try {
        // @ts-expect-error not a constructor
        new get();
      } catch (e) {
        construct = (e as Error).name;
      }
      return {
        enumerable: d.enumerable, configurable: d.configurable, hasSetter: d.set !== undefined,
        name: get.name, length: get.length, source: Function.prototype.toString.call(get),
        sourceViaString: String(get), ownOnInstance: Object.hasOwn(navigator.mediaDevices, "defaultSemantics"),
        inKeys: Object.keys(MediaDevices.prototype).includes("defaultSemantics"),
        foreign, construct, hasPrototype: "prototype" in get,
      };
    });
    expect(shape).toEqual({
      enumerable: true, configurable: true, hasSetter: false,
      name: "get defaultSemantics", length: 0, source: "function get defaultSemantics() { [native code] }",
      sourceViaString: "function get defaultSemantics() { [native code] }", ownOnInstance: false, inKeys: true,
      foreign: "TypeError: Illegal invocation", construct: "TypeError", hasPrototype: false,
    });
  });

  test("wrapped methods keep their native name, length and source text", async ({ page, nativePage, site }) => {
    const probe = () => {
      const methods: [object, string][] = [
        [MediaDevices.prototype, "getUserMedia"], [MediaDevices.prototype, "enumerateDevices"],
        [MediaStreamTrack.prototype, "getCapabilities"], [MediaStreamTrack.prototype, "getSettings"],
        [MediaStreamTrack.prototype, "applyConstraints"], [Function.prototype, "toString"],
        [MediaDevices.prototype, "getSupportedConstraints"], [MediaStreamTrack.prototype, "getConstraints"],
        [MediaStreamTrack.prototype, "clone"], [VideoFrame.prototype, "metadata"],
      ];
      return methods.map(([proto, key]) => {
        const d = Object.getOwnPropertyDescriptor(proto, key)!;
        const fn = d.value as Function;
        return {
          key, name: fn.name, length: fn.length, source: Function.prototype.toString.call(fn),
          toStringOfToString: Function.prototype.toString.call(Function.prototype.toString),
          writable: d.writable, enumerable: d.enumerable, configurable: d.configurable,
          hasPrototype: Object.hasOwn(fn, "prototype"), ownKeys: Reflect.ownKeys(fn).map(String),
        };
      });
    };
    await page.goto(`${site.origin}/index.html`);
    await nativePage.goto(`${site.origin}/index.html`);
    expect(await page.evaluate(probe)).toEqual(await nativePage.evaluate(probe));
  });
});

test.describe("fresh realms a page can create", () => {
  test("are patched synchronously: iframes, document.write, window.open", async ({ page, site }) => {
    await page.goto(`${site.origin}/escape.html`);
    const escapes = await page.evaluate(() => (window as unknown as { escapes: Record<string, string> }).escapes);
    expect(escapes).toEqual({
      "appended iframe": "browser-chooses",
      "about:blank src": "browser-chooses",
      "document.write iframe": "browser-chooses",
      "window.open": "browser-chooses",
    });
  });

  test("are patched in srcdoc, sandboxed and same-origin frames once loaded", async ({ page, site }) => {
    await page.goto(`${site.origin}/index.html`);
    const seen = await page.evaluate(async () => {
      const load = (setup: (f: HTMLIFrameElement) => void) => new Promise<HTMLIFrameElement>((done) => {
        const f = document.createElement("iframe");
        setup(f);
        f.onload = () => done(f);
        document.body.appendChild(f);
      });
      const srcdoc = await load((f) => { f.srcdoc = "<p>srcdoc</p>"; });
      const sandboxed = await load((f) => { f.setAttribute("sandbox", "allow-same-origin allow-scripts"); f.src = "frame.html"; });
      const sameOrigin = await load((f) => { f.src = "frame.html"; });
      const semantics = (f: HTMLIFrameElement) => f.contentWindow!.navigator.mediaDevices.defaultSemantics;
      return { srcdoc: semantics(srcdoc), sandboxed: semantics(sandboxed), sameOrigin: semantics(sameOrigin) };
    });
    expect(seen).toEqual({ srcdoc: "browser-chooses", sandboxed: "browser-chooses", sameOrigin: "browser-chooses" });
  });
});
