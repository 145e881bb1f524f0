import type { TokenPair } from "@tron-auth/shared/protocol";

/**
 * A token pair and when its access token stops being worth sending (epoch ms, local clock); `jkt`
 * names the key (in the DpopKeyStore) a DPoP-bound session signs its proofs with.
 */
export type StoredSession = { pair: TokenPair; accessExpiresAt: number; jkt?: string };

/** Where the client keeps the session. Synchronous so that a read inside a lock sees the latest. */
export type TokenStore = {
  load(): StoredSession | undefined;
  save(session: StoredSession | undefined): void;
};

/** Node, Workers, or a page that wants nothing to outlive it: the pair lives in this object only. */
export function memoryStore(): TokenStore {
  let current: StoredSession | undefined;
  return {
    load: () => current,
    save: (session) => {
      current = session;
    },
  };
}

/**
 * A Web Storage area (localStorage in the pages): every tab of the origin sees the same pair, so a
 * tab opened later is signed in and a tab that waited on another's refresh reads the new pair.
 * README "Where the refresh token lives" says why this and not an HttpOnly cookie.
 */
export function webStorageStore(storage: Storage, key = "tron-auth:session"): TokenStore {
  return {
    load: () => {
      const raw = storage.getItem(key);
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as StoredSession;
      } catch {
        storage.removeItem(key);
        return undefined;
      }
    },
    save: (session) => (session ? storage.setItem(key, JSON.stringify(session)) : storage.removeItem(key)),
  };
}
