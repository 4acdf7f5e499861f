/**
 * Navigation and tab events, listened to only while something of ours is in a tab.
 *
 * `webNavigation.onCommitted` fires for every frame of every page: a page with a hundred iframes
 * sends a hundred events. `tabs.onUpdated` fires several times for every page load of every tab,
 * `tabs.onRemoved` for every tab closed. A listener makes Chrome start the service worker for
 * each, if it is not running, and deliver each event to it, mostly to learn that nothing of ours
 * was in that tab. (On the 100-iframe benchmark page the difference is within the machine's noise
 * on Chromium 156; what this saves for certain is the worker's start on ordinary page loads.)
 *
 * The worker needs these events only while it keeps something in a tab. That is an open picker, a
 * PTZ prompt or session, a live capture, a tab's own toolbar look, or a one-time permission to take
 * back. Each collection reports whether it holds anything (`watchedCollection`). The listeners are added
 * while any collection does, or has not said yet. They are removed once none does.
 *
 * A listener that the worker removes no longer wakes it. One that it adds again wakes it again.
 * At every worker start the listeners are added synchronously, at the top level: an event that
 * started the worker is delivered to them. They stay until every collection has read its state and
 * reported it.
 */

type Commit = chrome.webNavigation.WebNavigationTransitionCallbackDetails;
type TabUpdate = (tabId: number, change: chrome.tabs.OnUpdatedInfo) => void;
type TabRemoved = (tabId: number) => void;
type TabReplaced = (added: number, removed: number) => void;

/** One event of Chrome's, heard through one listener that hands it to every handler. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function watchedEvent<F extends (...args: any[]) => void>(event: () => chrome.events.Event<F>) {
  const handlers: F[] = [];
  const listener = ((...args: Parameters<F>) => {
    for (const handler of handlers) handler(...args);
  }) as F;
  return {
    handlers,
    listen: (on: boolean) => on ? event().addListener(listener) : event().removeListener(listener),
  };
}

const committed = watchedEvent(() => chrome.webNavigation.onCommitted as chrome.events.Event<(details: Commit) => void>);
const updated = watchedEvent(() => chrome.tabs.onUpdated as unknown as chrome.events.Event<TabUpdate>);
const removed = watchedEvent(() => chrome.tabs.onRemoved as unknown as chrome.events.Event<TabRemoved>);
const replaced = watchedEvent(() => chrome.tabs.onReplaced as chrome.events.Event<TabReplaced>);
const events = [committed, updated, removed, replaced];

/** By collection: whether it holds something in a tab (true until it says). */
const holds = new Map<string, boolean>();
let started = false;
let listening = false;

function sync(): void {
  if (!started) return;
  const want = [...holds.values()].some((held) => held);
  if (want === listening) return;
  listening = want;
  for (const event of events) event.listen(want);
}

/** Called for each committed navigation (any frame of any tab) while something is watched. */
export const onNavigationCommitted = (handler: (details: Commit) => void): void => void committed.handlers.push(handler);
/** Called for each tab update while something is watched. */
export const onWatchedTabUpdated = (handler: TabUpdate): void => void updated.handlers.push(handler);
/** Called for each closed tab while something is watched. */
export const onWatchedTabRemoved = (handler: TabRemoved): void => void removed.handlers.push(handler);
/** Called for each tab replaced by another (prerendering, discarding) while something is watched. */
export const onWatchedTabReplaced = (handler: TabReplaced): void => void replaced.handlers.push(handler);

/** Declares a collection that needs the events while it holds something (from now until it says
 * otherwise, it counts as holding something). */
export function watchedCollection(key: string): (holding: boolean) => void {
  if (!holds.has(key)) holds.set(key, true);
  return (holding) => {
    holds.set(key, holding);
    sync();
  };
}

/** Call synchronously at the top level of the service worker, after every collection was declared. */
export function startNavigationWatch(): void {
  started = true;
  sync();
}

/** Whether the listeners are in (for tests). */
export const navigationListening = (): boolean => listening;
