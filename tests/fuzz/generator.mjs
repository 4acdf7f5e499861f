// Differential fuzzing of the media APIs (issue "Hardening"): a seeded generator of call sequences
// whose arguments are described as JSON (a small value language, so that getters that throw,
// Proxies, cyclic objects, symbols, NaN and deep nesting can cross into the page), and a
// minimiser. tests/pages/fuzz.html interprets a case in the page; the runners (scripts/fuzz.mjs,
// tests/e2e/fuzz.spec.ts) run each case with and without the extension and compare outcomes.
//
// No case engages a feature: the member "semantics" and PTZ members with true values are never
// generated, so the extension must behave exactly as the browser does.

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const NUMERIC = ["width", "height", "aspectRatio", "frameRate", "sampleRate", "sampleSize", "channelCount", "latency"];
const STRINGS = ["facingMode", "resizeMode", "deviceId", "groupId"];
const BOOLEANS = ["echoCancellation", "autoGainControl", "noiseSuppression", "voiceIsolation"];
const JUNK = ["", "WIDTH", "advanced ", "__proto__x", "toString", "constructor", "😀", "x".repeat(40)];
const STRING_VALUES = ["user", "environment", "left", "right", "none", "crop-and-scale", "", "default", "no-such-id", "fake_device_1"];

/** A value in the page's value language. */
function scalar(r) {
  switch (r.int(12)) {
    case 0: return { t: "num", v: r.pick([0, 1, -1, 30, 320, 640, 1280, 1920, 4096, 1e9, 0.5, -0]) };
    case 1: return { t: "nan" };
    case 2: return { t: "inf", neg: r.chance(0.5) };
    case 3: return { t: "str", v: r.pick(STRING_VALUES) };
    case 4: return { t: "bool", v: r.chance(0.5) };
    case 5: return { t: "null" };
    case 6: return { t: "undef" };
    case 7: return { t: "sym" };
    case 8: return { t: "big" };
    default: return { t: "num", v: r.int(2000) };
  }
}

function rangeValue(r, depth) {
  const kinds = ["exact", "ideal", "min", "max"];
  const props = [];
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) props.push([r.pick(kinds), r.chance(0.8) ? scalar(r) : value(r, depth + 1)]);
  return { t: "obj", props };
}

function value(r, depth = 0) {
  if (depth > 3) return scalar(r);
  switch (r.int(10)) {
    case 0: return { t: "arr", items: Array.from({ length: r.int(4) }, () => scalar(r)) };
    case 1: return rangeValue(r, depth);
    case 2: return { t: "throwingGetter" };
    case 3: return { t: "proxy", of: rangeValue(r, depth) };
    case 4: return { t: "cyclic" };
    case 5: return { t: "deep", depth: r.pick([10, 100, 1000]) };
    default: return scalar(r);
  }
}

function constraintSet(r, kind, depth = 0) {
  const names = kind === "video" ? [...NUMERIC.slice(0, 4), ...STRINGS, "pan", "tilt", "zoom"]
    : [...NUMERIC.slice(4), ...BOOLEANS, "deviceId", "groupId"];
  const props = [];
  const n = r.int(4);
  for (let i = 0; i < n; i++) {
    const name = r.chance(0.9) ? r.pick(names) : r.pick(JUNK);
    let v = value(r, depth + 1);
    // PTZ asked for with true engages the PTZ feature; keep it to false/ranges only.
    if ((name === "pan" || name === "tilt" || name === "zoom") && v.t === "bool") v = { t: "bool", v: false };
    props.push([name, v]);
  }
  if (depth === 0 && r.chance(0.3)) {
    props.push(["advanced", r.chance(0.8)
      ? { t: "arr", items: Array.from({ length: r.int(3) }, () => constraintSet(r, kind, depth + 1)) }
      : value(r, depth + 1)]);
  }
  return { t: "obj", props };
}

function trackConstraints(r, kind) {
  switch (r.int(6)) {
    case 0: return { t: "bool", v: true };
    case 1: return { t: "bool", v: false };
    case 2: return scalar(r);
    default: return constraintSet(r, kind);
  }
}

function streamConstraints(r) {
  switch (r.int(10)) {
    case 0: return scalar(r);
    case 1: return { t: "throwingGetter" };
    case 2: return { t: "obj", props: [] };
    default: {
      const props = [];
      if (r.chance(0.7)) props.push(["video", trackConstraints(r, "video")]);
      if (r.chance(0.5)) props.push(["audio", trackConstraints(r, "audio")]);
      if (r.chance(0.1)) props.push([r.pick(JUNK), scalar(r)]);
      return r.chance(0.1) ? { t: "proxy", of: { t: "obj", props } } : { t: "obj", props };
    }
  }
}

/** One case: a list of steps the page interpreter runs in order. */
export function generateCase(seed) {
  const r = rng(seed);
  const steps = [];
  const n = 1 + r.int(5);
  for (let i = 0; i < n; i++) {
    switch (r.int(9)) {
      case 0: case 1: case 2: steps.push({ op: "getUserMedia", arg: streamConstraints(r) }); break;
      case 3: steps.push({ op: "applyConstraints", arg: r.chance(0.8) ? constraintSet(r, r.pick(["video", "audio"])) : value(r) }); break;
      case 4: steps.push({ op: "read", what: r.pick(["getCapabilities", "getSettings", "getConstraints"]) }); break;
      case 5: steps.push({ op: "clone" }); break;
      case 6: steps.push({ op: "stop" }); break;
      case 7: steps.push({ op: "enumerateDevices" }); break;
      default: steps.push({ op: "getUserMedia", arg: { t: "obj", props: [["video", { t: "bool", v: true }]] } });
    }
  }
  return { seed, steps };
}

/** Smaller variants of a case, most aggressive first: fewer steps, then simpler values. */
export function* shrink(testCase) {
  const { steps } = testCase;
  for (let i = 0; i < steps.length; i++) {
    if (steps.length > 1) yield { ...testCase, steps: steps.filter((_, j) => j !== i) };
  }
  for (let i = 0; i < steps.length; i++) {
    const arg = steps[i].arg;
    if (!arg) continue;
    for (const simpler of simplerValues(arg)) {
      yield { ...testCase, steps: steps.map((s, j) => (j === i ? { ...s, arg: simpler } : s)) };
    }
  }
}

function* simplerValues(v) {
  if (v.t === "obj" || v.t === "proxy") {
    const props = v.t === "proxy" ? v.of.props : v.props;
    if (v.t === "proxy") yield v.of;
    for (let i = 0; i < props.length; i++) {
      yield { t: "obj", props: props.filter((_, j) => j !== i) };
      for (const inner of simplerValues(props[i][1])) {
        yield { t: "obj", props: props.map((p, j) => (j === i ? [p[0], inner] : p)) };
      }
    }
  } else if (v.t === "arr") {
    for (let i = 0; i < v.items.length; i++) yield { t: "arr", items: v.items.filter((_, j) => j !== i) };
  } else if (v.t !== "undef") {
    yield { t: "undef" };
  }
}

/** Repeatedly takes the first smaller variant that still fails. */
export async function minimise(testCase, stillFails, budget = 200) {
  let current = testCase;
  let tries = 0;
  let improved = true;
  while (improved && tries < budget) {
    improved = false;
    for (const candidate of shrink(current)) {
      if (++tries > budget) break;
      if (await stillFails(candidate)) {
        current = candidate;
        improved = true;
        break;
      }
    }
  }
  return current;
}
