// Shared by the differential tests: runs media calls and describes their outcome in plain data,
// with per-profile device ids replaced, so a run with and without the extension can be compared.
(function () {
  const ID_KEYS = new Set(["deviceId", "groupId"]);
  function clean(value) {
    if (Array.isArray(value)) return value.map(clean);
    if (value && typeof value === "object") {
      const out = {};
      for (const key of Object.keys(value).sort()) out[key] = ID_KEYS.has(key) ? (value[key] ? "<id>" : "") : clean(value[key]);
      return out;
    }
    if (typeof value === "number" && !Number.isInteger(value)) return Math.round(value * 1000) / 1000;
    return value;
  }
  function describeError(e) {
    return { error: e && e.name, message: e && e.message, constraint: e && e.constraint,
      isDomException: e instanceof DOMException, isOverconstrained: typeof OverconstrainedError !== "undefined" && e instanceof OverconstrainedError };
  }
  function describeTrack(t) {
    return { kind: t.kind, label: t.label, enabled: t.enabled, muted: t.muted, readyState: t.readyState,
      contentHint: t.contentHint, settings: clean(t.getSettings()), constraints: clean(t.getConstraints()) };
  }
  async function outcome(run) {
    try {
      const value = await run();
      if (value instanceof MediaStream) {
        const tracks = value.getTracks().map(describeTrack);
        value.getTracks().forEach((t) => t.stop());
        return { ok: { tracks, active: true } };
      }
      return { ok: clean(value) };
    } catch (e) {
      return describeError(e);
    }
  }
  window.probe = { clean, describeError, describeTrack, outcome };
})();
