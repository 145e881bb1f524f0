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
};

export type AuthClient = ReturnType<typeof createAuthClient>;

const SIGNED_OUT_CODES = new Set([
  "invalid_token",
  "session_revoked",
  "refresh_token_reused",
  "unauthorized",
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

  function adopt(session: StoredSession | undefined): void {
    store.save(session);
    channel.publish(session);
    notify(session);
  }

  const toSession = (pair: TokenPair): StoredSession => ({
    pair,
    accessExpiresAt: Date.now() + pair.expiresIn * 1000,
  });

  async function send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(`${base}${path}`, init);
    } catch (error) {
      throw networkError(error);
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
      const res = await send(
        "/v1/auth/refresh",
        jsonInit("POST", { refreshToken: current.pair.refreshToken }),
      );
      try {
        const session = toSession(await parsed(res, tokenPairSchema));
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
    const attempt = (session: StoredSession) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${session.pair.accessToken}`);
      return send(path, { ...init, headers });
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
    async login(message: string, signature: string): Promise<StoredSession> {
      const pair = await parsed(
        await send("/v1/auth/login", jsonInit("POST", { message, signature })),
        tokenPairSchema,
      );
      const session = toSession(pair);
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
