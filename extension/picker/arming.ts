/**
 * Anti-clickjacking: the Allow button (and Enter) works only once the picker has been visible
 * and focused for a moment, so a click or key press aimed at something else, at the instant the
 * window appears or comes to the front, cannot grant a device.
 */
import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

export const ARM_DELAY_MS = 400;

/**
 * False for ARM_DELAY_MS after mount and after every return of visibility or focus; false while
 * the window is hidden or has lost focus. The state drives rendering (the button looks disabled);
 * the ref changes at once, for input handlers that run before the next render.
 */
export function useArmed(delay = ARM_DELAY_MS): [boolean, RefObject<boolean>] {
  const [armed, setArmedState] = useState(false);
  const now = useRef(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const setArmed = (value: boolean) => {
      now.current = value;
      setArmedState(value);
    };
    const disarm = () => {
      clearTimeout(timer);
      timer = undefined;
      setArmed(false);
    };
    const rearm = () => {
      disarm();
      if (document.visibilityState === "visible") timer = setTimeout(() => setArmed(true), delay);
    };
    const onFocus = (event: FocusEvent) => event.target === window && rearm();
    const onBlur = (event: FocusEvent) => event.target === window && disarm();
    const onVisibility = () => (document.visibilityState === "visible" ? rearm() : disarm());
    rearm();
    window.addEventListener("focus", onFocus);
    window.addEventListener("blur", onBlur);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      clearTimeout(timer);
      now.current = false;
      window.removeEventListener("focus", onFocus);
      window.removeEventListener("blur", onBlur);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [delay]);
  return [armed, now];
}
