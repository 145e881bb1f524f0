import type { StoredSession } from "./token-store.ts";

type Message = { kind: "session"; session: StoredSession | null };

/**
 * Tells the other tabs of the origin about a new pair or a sign-out, so a tab keeping the pair
 * in memory adopts it at once and every page reflects a sign-out without its next request. Absent
 * BroadcastChannel (older runtimes) it does nothing: the shared store still carries the pair.
 */
export function sessionChannel(
  name: string,
  enabled: boolean,
  onSession: (session: StoredSession | undefined) => void,
) {
  const Channel = enabled
    ? (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel
    : undefined;
  const channel = Channel ? new Channel(name) : undefined;
  channel?.addEventListener("message", (event: MessageEvent<Message>) => {
    if (event.data?.kind === "session") onSession(event.data.session ?? undefined);
  });
  return {
    publish: (session: StoredSession | undefined) =>
      channel?.postMessage({ kind: "session", session: session ?? null } satisfies Message),
    close: () => channel?.close(),
  };
}
