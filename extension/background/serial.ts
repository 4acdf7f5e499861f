/**
 * A queue for read-modify-write sequences on chrome.storage: each task starts after every
 * earlier one of the same queue has finished, whatever its outcome. One queue per storage key,
 * so that two events arriving together cannot both read the old value and lose one write.
 */
export function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = tail.then(task, task);
    // (Not next.catch(): the queue would keep the last task's result alive, e.g. the whole history.)
    tail = next.then(() => undefined, () => undefined);
    return next;
  };
}
