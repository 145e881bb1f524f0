import { DPOP_HEADER, DPOP_NONCE_HEADER } from "@tron-auth/shared/dpop";
import {
  type ChallengeResponse,
  challengeResponse,
  type Me,
  meResponse,
  type SessionInfo,
  sessionsResponse,
  type TokenPair,
  tokenPairSchema,
} from "@tron-auth/shared/protocol";
import * as z from "zod/mini";
import {
  type DpopKey,
  type DpopKeyStore,
  indexedDbKeyStore,
  memoryKeyStore,
  newDpopKey,
} from "./dpop-keys.ts";
import { createDpopProof } from "./dpop-proof.ts";
import { networkError, ProblemError, problemFrom } from "./problem-error.ts";
import { sessionChannel } from "./session-channel.ts";
import { type LockManagerLike, platformLocks, singleFlight } from "./single-flight.ts";
import { memoryStore, type StoredSession, type TokenStore } from "./token-store.ts";

/** Signs the exact sign-in message with the wallet of `address` (TIP-191, as TronLink's signMessageV2). */
export type Signer = (message: string) => Promise<string>;

export type AuthClientOptions = {
  /** The edge's origin, e.g. https://auth.example.com ("" for the page's own origin). */
  baseUrl: string;
  /** Default: memory (Node, Workers). The pages pass webStorageStore(localStorage). */
  store?: TokenStore;
  fetch?: typeof fetch;
  /** Default navigator.locks where present; pass null to keep the single-flight in this process. */
  locks?: LockManagerLike | null;
  /** Refresh this long before the access token's expiry, so no request carries a dying token. Default 5 s. */
  refreshMarginMs?: number;
  /**
   * Tell the other tabs of the origin about a new pair or a sign-out (BroadcastChannel). Default:
   * on in a page, off elsewhere, since Node and Workers have BroadcastChannel too, and two clients
   * of one process (two users of a service) must not adopt each other's sessions.
   */
  shareAcrossTabs?: boolean;
  /** Names the lock and the BroadcastChannel; clients of different edges on one origin need different names. */
  name?: string;
  /**
   * Bind sessions to a key (DPoP, RFC 9449): a new non-extractable key per sign-in, a proof on
   * every call, the server's nonces followed. Default true; false signs in with bearer tokens.
   */
  dpop?: boolean;
  /** Where the keys live. Default: IndexedDB in a page (shared by its tabs), memory elsewhere. */
  keyStore?: DpopKeyStore;
};

export type AuthClient = ReturnType<typeof createAuthClient>;

const SIGNED_OUT_CODES = new Set([
  "invalid_token",
  "session_revoked",
  "refresh_token_reused",
  "unauthorized",
  "dpop_required",
]);

const noSession = () =>
  new ProblemError({ code: "unauthorized", status: 401, title: "Not signed in", detail: "Sign in first." });

/**
 * The edge's public API with the session handled: sign-in with any signer, the token on every
 * call, one refresh at a time per origin (Web Locks across tabs, a shared promise in-process),
 * a retry after `token_expired`, and every failure as a ProblemError.
 */
export function createAuthClient(options: AuthClientOptions) {
  const base = options.baseUrl.replace(/\/$/, "");
  const store = options.store ?? memoryStore();
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const margin = options.refreshMarginMs ?? 5_000;
  const name = options.name ?? "tron-auth";
  const listeners = new Set<(session: StoredSession | undefined) => void>();
  const notify = (session: StoredSession | undefined) => {
    for (const listener of listeners) listener(session);
  };
  const inPage = typeof (globalThis as { document?: unknown }).document !== "undefined";
  const channel = sessionChannel(`${name}:session`, options.shareAcrossTabs ?? inPage, (session) => {
    store.save(session);
    notify(session);
  });
  const exclusive = singleFlight(
    `${name}:refresh`,
    options.locks === null ? undefined : (options.locks ?? platformLocks()),
  );
  const dpop = options.dpop ?? true;
  const keys =
    options.keyStore ??
    (inPage && "indexedDB" in globalThis ? indexedDbKeyStore(`${name}:dpop`) : memoryKeyStore());
  const keyCache = new Map<string, DpopKey>();
  /** The last DPoP-Nonce the edge sent; nonces are per server instance, so not shared across tabs. */
  let nonce: string | undefined;

  function adopt(session: StoredSession | undefined): void {
    const previous = store.load();
    store.save(session);
    channel.publish(session);
    notify(session);
    if (previous?.jkt && previous.jkt !== session?.jkt) forgetKey(previous.jkt);
  }

  function forgetKey(jkt: string): void {
    keyCache.delete(jkt);
    keys.remove(jkt).catch(() => undefined);
  }

  async function keyOf(session: StoredSession): Promise<DpopKey | undefined> {
    if (!session.jkt) return undefined;
    const key = keyCache.get(session.jkt) ?? (await keys.load(session.jkt));
    if (!key)
      throw new ProblemError({ code: "dpop_required", status: 401, title: "The session's key is gone" });
    keyCache.set(key.jkt, key);
    return key;
  }

  const toSession = (pair: TokenPair, jkt: string | undefined): StoredSession => ({
    pair,
    accessExpiresAt: Date.now() + pair.expiresIn * 1000,
    ...(pair.tokenType === "DPoP" && jkt ? { jkt } : {}),
  });

  /** The absolute URL of a path: proofs name it, and "" means the page's own origin. */
  const urlOf = (path: string) =>
    new URL(`${base}${path}`, (globalThis as { location?: { href: string } }).location?.href).href;

  async function send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(`${base}${path}`, init);
    } catch (error) {
      throw networkError(error);
    }
  }

  /**
   * `send` with a fresh proof by `key` (for `accessToken` when given), carrying the edge's last
   * nonce. A `use_dpop_nonce` refusal is answered with the nonce it offered; if that retry reached
   * another server instance (nonces are per instance) and is refused the same way, the last try
   * carries no nonce, which every instance accepts after checking the proof's `jti` in Redis.
   */
  async function sendProved(path: string, init: RequestInit, key?: DpopKey, accessToken?: string) {
    if (!key) return send(path, init);
    const target = {
      method: init.method ?? "GET",
      url: urlOf(path),
      ...(accessToken ? { accessToken } : {}),
    };
    let attemptNonce = nonce;
    for (let attempt = 0; ; attempt++) {
      const headers = new Headers(init.headers);
      headers.set(
        DPOP_HEADER,
        await createDpopProof(key, attemptNonce ? { ...target, nonce: attemptNonce } : target),
      );
      const res = await send(path, { ...init, headers });
      const offered = res.headers.get(DPOP_NONCE_HEADER) ?? undefined;
      if (offered) nonce = offered;
      if (attempt >= 2 || res.status !== 401 || attemptNonce === undefined) return res;
      if ((await problemFrom(res.clone())).code !== "use_dpop_nonce") return res;
      attemptNonce = attempt === 0 && offered !== attemptNonce ? offered : undefined;
    }
  }

  async function parsed<T extends z.ZodMiniType>(res: Response, schema: T): Promise<z.infer<T>> {
    if (!res.ok) throw await problemFrom(res);
    const result = z.safeParse(schema, await res.json().catch(() => undefined));
    if (!result.success)
      throw new ProblemError({
        code: "unexpected_response",
        status: res.status,
        title: "Unexpected response",
      });
    return result.data;
  }

  const jsonInit = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

  /** Rotates the pair unless another caller (or tab) already replaced `stale`. */
  function refreshFrom(stale: StoredSession): Promise<StoredSession> {
    return exclusive(async () => {
      const current = store.load();
      if (!current) throw noSession();
      if (current.pair.refreshToken !== stale.pair.refreshToken) return current;
      try {
        const res = await sendProved(
          "/v1/auth/refresh",
          jsonInit("POST", { refreshToken: current.pair.refreshToken }),
          await keyOf(current),
        );
        const session = toSession(await parsed(res, tokenPairSchema), current.jkt);
        adopt(session);
        return session;
      } catch (error) {
        if (error instanceof ProblemError && SIGNED_OUT_CODES.has(error.code)) adopt(undefined);
        throw error;
      }
    });
  }

  async function liveSession(): Promise<StoredSession> {
    const session = store.load();
    if (!session) throw noSession();
    return Date.now() < session.accessExpiresAt - margin ? session : refreshFrom(session);
  }

  /**
   * fetch() for the edge's authenticated routes: adds the access token, and after `token_expired`
   * refreshes once and retries once. A session the server ended signs this client out.
   */
  async function authFetch(path: string, init: RequestInit = {}): Promise<Response> {
    const attempt = async (session: StoredSession) => {
      const headers = new Headers(init.headers);
      const token = session.pair.accessToken;
      headers.set("authorization", `${session.jkt ? "DPoP" : "Bearer"} ${token}`);
      return sendProved(path, { ...init, headers }, await keyOf(session), token);
    };
    const session = await liveSession();
    let res = await attempt(session);
    if (res.status !== 401) return res;
    const problem = await problemFrom(res.clone());
    if (problem.code === "token_expired") res = await attempt(await refreshFrom(session));
    else if (
      SIGNED_OUT_CODES.has(problem.code) &&
      store.load()?.pair.refreshToken === session.pair.refreshToken
    )
      adopt(undefined);
    return res;
  }

  async function authJson<T extends z.ZodMiniType>(path: string, schema: T, init?: RequestInit) {
    return parsed(await authFetch(path, init), schema);
  }

  async function expectNoContent(res: Response): Promise<void> {
    if (!res.ok) throw await problemFrom(res);
  }

  return {
    /** The current session, if any (from the store: shared between tabs in the pages). */
    session: (): StoredSession | undefined => store.load(),
    /** Called with the new session (or undefined) whenever it changes, in this tab or another. */
    subscribe(listener: (session: StoredSession | undefined) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async challenge(address: string, chainId?: string): Promise<ChallengeResponse> {
      const body = chainId ? { address, chainId } : { address };
      return parsed(await send("/v1/auth/challenge", jsonInit("POST", body)), challengeResponse);
    },
    /** With `dpop` (the default) the new session is bound to a new key, kept in the key store. */
    async login(message: string, signature: string): Promise<StoredSession> {
      const key = dpop ? await newDpopKey() : undefined;
      const pair = await parsed(
        await sendProved("/v1/auth/login", jsonInit("POST", { message, signature }), key),
        tokenPairSchema,
      );
      if (key && pair.tokenType === "DPoP") {
        await keys.save(key);
        keyCache.set(key.jkt, key);
      }
      const session = toSession(pair, key?.jkt);
      adopt(session);
      return session;
    },
    /** Challenge, sign, login: what a script or a service with its own key does in one call. */
    async signIn(address: string, sign: Signer): Promise<StoredSession> {
      const { message } = await this.challenge(address);
      return this.login(message, await sign(message));
    },
    /** A new pair now (normally automatic). */
    refresh: async (): Promise<StoredSession> => {
      const session = store.load();
      if (!session) throw noSession();
      return refreshFrom(session);
    },
    /** Ends the session at the server, and here whatever the server answered. */
    async logout(): Promise<void> {
      const session = store.load();
      try {
        if (session) await expectNoContent(await authFetch("/v1/auth/logout", { method: "POST" }));
      } finally {
        adopt(undefined);
      }
    },
    me: (): Promise<Me> => authJson("/v1/me", meResponse),
    sessions: async (): Promise<SessionInfo[]> =>
      (await authJson("/v1/auth/sessions", sessionsResponse)).sessions,
    async revokeSession(id: string): Promise<void> {
      await expectNoContent(
        await authFetch(`/v1/auth/sessions/${encodeURIComponent(id)}`, { method: "DELETE" }),
      );
    },
    fetch: authFetch,
    /** A JSON call to an authenticated route, checked against `schema`; refusals throw ProblemError. */
    json: authJson,
    /** Stops listening to other tabs. */
    close: () => channel.close(),
  };
}
