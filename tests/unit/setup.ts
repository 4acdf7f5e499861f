/**
 * src/lib/natives.ts captures browser built-ins at module load. Node provides EventTarget, Event,
 * CustomEvent and Crypto, but not MouseEvent: define a minimal stand-in only where missing.
 */
const scope = globalThis as unknown as Record<string, unknown>;

if (typeof scope.MouseEvent === "undefined") {
  class MouseEventStandIn extends Event {
    readonly #relatedTarget: EventTarget | null;
    constructor(type: string, init: EventInit & { relatedTarget?: EventTarget | null } = {}) {
      super(type, init);
      this.#relatedTarget = init.relatedTarget ?? null;
    }
    get relatedTarget(): EventTarget | null {
      return this.#relatedTarget;
    }
  }
  scope.MouseEvent = MouseEventStandIn;
}

if (typeof scope.Crypto === "undefined" && typeof scope.crypto === "object" && scope.crypto !== null) {
  scope.Crypto = (scope.crypto as object).constructor;
}
