/**
 * Listening to one stop signal from many requests at once. A run has one AbortSignal (Ctrl-C) and up
 * to `concurrency` requests that must stop with it — in flight, sleeping before a retry, or waiting out
 * a 429 on the shared gate. Each adding its own listener to that signal puts 32 listeners on it at
 * concurrency 32 (Node warns past 10: MaxListenersExceededWarning). Instead the signal carries one
 * listener of ours, which calls the requests currently subscribed; it is removed when the last
 * subscriber leaves, so a finished run leaves nothing on the signal.
 */

interface Hub {
  subscribers: Set<() => void>;
  listener: () => void;
}

const hubs = new WeakMap<AbortSignal, Hub>();

/**
 * Call `fn` once when `signal` aborts (at once when it already has). Returns the unsubscribe function:
 * call it when the request ends (it is safe to call twice, or after the abort).
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => {};
  }
  let hub = hubs.get(signal);
  if (!hub) {
    const subscribers = new Set<() => void>();
    const listener = () => {
      hubs.delete(signal);
      const now = [...subscribers];
      subscribers.clear();
      for (const f of now) f();
    };
    hub = { subscribers, listener };
    hubs.set(signal, hub);
    signal.addEventListener("abort", listener, { once: true });
  }
  const h = hub;
  const entry = () => fn(); // a fresh function per subscription: the same fn may subscribe twice
  h.subscribers.add(entry);
  return () => {
    if (!h.subscribers.delete(entry) || h.subscribers.size > 0) return;
    if (hubs.get(signal) === h) {
      hubs.delete(signal);
      signal.removeEventListener("abort", h.listener);
    }
  };
}
