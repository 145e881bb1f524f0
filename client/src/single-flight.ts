/** The part of the Web Locks API the client uses (navigator.locks in browsers). */
export type LockManagerLike = {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
};

/**
 * Runs one task at a time under a name. In one process (a Node service, a Worker isolate, one tab)
 * callers that arrive while a run is in flight join it; across the tabs of an origin the Web Locks
 * API queues the runs, so a tab that waited reads what the first one stored instead of spending
 * the same refresh token again (which the server would take for token theft and end the session).
 */
export function singleFlight(name: string, locks: LockManagerLike | undefined) {
  let inflight: Promise<unknown> | undefined;
  return function run<T>(task: () => Promise<T>): Promise<T> {
    if (inflight) return inflight as Promise<T>;
    const started = locks ? locks.request(name, task) : task();
    const settled = started.finally(() => {
      inflight = undefined;
    });
    inflight = settled;
    return settled;
  };
}

/** navigator.locks where the platform has it (browsers, Deno); undefined in Node and Workers. */
export function platformLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}
