/**
 * Which tabs a stored collection has entries for, as this worker last read or wrote it. Every
 * navigation of every frame (webNavigation.onCommitted: a hundred for a page with a hundred
 * iframes) asks the picker queue, the PTZ prompts, the PTZ sessions and the live captures whether
 * they hold anything of that tab; nearly always nothing. With the index, such an event costs no
 * storage round trip. Until this worker has read the collection once, every tab may have entries.
 *
 * A collection whose reads and writes all go through `load` and `save` below keeps the index
 * exact; a check made inside the same serial queue as those writes sees every earlier write.
 */
export interface TabIndex<T> {
  /** Reads through the index: the tabs of what was read are noted. */
  load(read: () => Promise<T>): Promise<T>;
  /** Writes through the index: the tabs are noted before the write starts; after a failed write
   * the index no longer knows (the stored value may be either). */
  save(value: T, write: (value: T) => Promise<void>): Promise<void>;
  /** False only when this worker knows that no entry of the collection belongs to `tabId`
   * (always true for no tab: a change not limited to one tab). */
  mayHave(tabId: number | undefined): boolean;
}

/** `holding` (./navigation-watch.ts) hears, after every read or write, whether the collection may
 * hold anything: false only when the index knows it holds nothing. */
export function tabIndex<T>(tabsOf: (value: T) => Iterable<number>, holding?: (anything: boolean) => void): TabIndex<T> {
  let tabs: Set<number> | null = null;
  const known = (next: Set<number> | null) => {
    tabs = next;
    holding?.(next === null || next.size > 0);
  };
  // A read that began before a write, or while one was under way, may end after it with the older
  // value: only reads that no write overlapped are noted.
  let writes = 0;
  let writing = 0;
  return {
    async load(read) {
      const before = writes;
      let value: T;
      try {
        value = await read();
      } catch (error) {
        known(null);
        throw error;
      }
      if (before === writes && !writing) known(new Set(tabsOf(value)));
      return value;
    },
    async save(value, write) {
      writes++;
      writing++;
      const next = new Set(tabsOf(value));
      if (tabs) for (const t of tabs) next.add(t);
      known(next);
      try {
        await write(value);
      } catch (error) {
        known(null);
        throw error;
      } finally {
        writing--;
      }
      // (Writes end in the order they began: the last to end wrote the newest value.)
      if (!writing && tabs) known(new Set(tabsOf(value)));
    },
    mayHave: (tabId) => tabId === undefined || tabs === null || tabs.has(tabId),
  };
}
