import { newWallet } from "@tron-auth/bridge/testing/wallet";
import {
  createAuthClient,
  type LockManagerLike,
  memoryKeyStore,
  memoryStore,
  ProblemError,
  type StoredSession,
} from "@tron-auth/client";
import { describe, expect, inject, it } from "vitest";
import { expiredTwin, signerFor } from "../edge-tests/tokens.ts";

const ctx = inject("edgeTestContext");

/** fetch that counts the calls per path, so a test can say how many refreshes reached the server. */
function countingFetch() {
  const calls = new Map<string, number>();
  const wrapped: typeof fetch = (input, init) => {
    const path = new URL(String(input)).pathname;
    calls.set(path, (calls.get(path) ?? 0) + 1);
    return fetch(input, init);
  };
  return { fetch: wrapped, refreshes: () => calls.get("/v1/auth/refresh") ?? 0 };
}

/** One FIFO lock per name, with the Web Locks call shape: two "tabs" in one test process. */
function fifoLocks(): LockManagerLike {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const run = (tails.get(name) ?? Promise.resolve()).then(callback, callback);
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

async function signedIn(options: Partial<Parameters<typeof createAuthClient>[0]> = {}) {
  const wallet = newWallet();
  const client = createAuthClient({ baseUrl: ctx.edgeUrl, locks: null, ...options });
  await client.signIn(wallet.address, signerFor(wallet.privateKey));
  return { client, wallet };
}

async function expireAccessToken(session: StoredSession): Promise<StoredSession> {
  // The local clock still thinks the token is good, so the client sends it and meets the server's verdict.
  return {
    ...session,
    pair: { ...session.pair, accessToken: await expiredTwin(session.pair.accessToken, ctx) },
    accessExpiresAt: Date.now() + 600_000,
  };
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProblemError)) throw new Error(`expected a ProblemError, got ${String(error)}`);
  return error;
}

describe("client library against the real edge", () => {
  it("signs in with any signer function and reads /v1/me with the stored token", async () => {
    const { client, wallet } = await signedIn();
    expect(client.session()?.pair.user.address).toBe(wallet.address);
    const me = await client.me();
    expect(me).toMatchObject({ address: wallet.address, roles: ["USER"] });
    expect(me.permissions.length).toBeGreaterThan(0);
  });

  it("after token_expired refreshes once, retries once, and the call succeeds with a rotated pair", async () => {
    const counter = countingFetch();
    const store = memoryStore();
    const { client, wallet } = await signedIn({ store, fetch: counter.fetch });
    const before = client.session() as StoredSession;
    store.save(await expireAccessToken(before));
    expect((await client.me()).address).toBe(wallet.address);
    expect(counter.refreshes()).toBe(1);
    expect(client.session()?.pair.refreshToken).not.toBe(before.pair.refreshToken);
  });

  it("refreshes before sending when the local clock says the token is about to expire", async () => {
    const counter = countingFetch();
    const store = memoryStore();
    const { client } = await signedIn({ store, fetch: counter.fetch });
    const session = client.session() as StoredSession;
    store.save({ ...session, accessExpiresAt: Date.now() + 1_000 });
    await client.me();
    expect(counter.refreshes()).toBe(1);
  });

  it("two tabs sharing one store refresh at the same moment: one refresh, both calls succeed, the session lives", async () => {
    const counter = countingFetch();
    const store = memoryStore();
    const locks = fifoLocks();
    // Tabs share the session's key as pages share IndexedDB.
    const keyStore = memoryKeyStore();
    const { client: tabA } = await signedIn({ store, fetch: counter.fetch, locks, keyStore });
    const tabB = createAuthClient({ baseUrl: ctx.edgeUrl, store, fetch: counter.fetch, locks, keyStore });
    store.save(await expireAccessToken(tabA.session() as StoredSession));
    const [a, b] = await Promise.all([tabA.me(), tabB.me()]);
    expect(a.id).toBe(b.id);
    expect(counter.refreshes()).toBe(1);
    // The rotated token still works: reuse detection did not end the session.
    await tabB.refresh();
    expect((await tabA.me()).id).toBe(a.id);
  });

  it("concurrent calls in one process share one refresh", async () => {
    const counter = countingFetch();
    const store = memoryStore();
    const { client } = await signedIn({ store, fetch: counter.fetch });
    store.save(await expireAccessToken(client.session() as StoredSession));
    await Promise.all([client.me(), client.sessions(), client.me()]);
    expect(counter.refreshes()).toBe(1);
  });

  it("a session revoked from another session signs this client out and tells its listeners", async () => {
    const { client: phone, wallet } = await signedIn();
    const laptop = createAuthClient({ baseUrl: ctx.edgeUrl, locks: null });
    await laptop.signIn(wallet.address, signerFor(wallet.privateKey));
    const phoneSession = (await phone.sessions()).find((s) => s.current);
    if (!phoneSession) throw new Error("no current session listed");
    const events: (StoredSession | undefined)[] = [];
    phone.subscribe((s) => events.push(s));
    await laptop.revokeSession(phoneSession.id);
    // An isolate may remember a live session for SESSION_CACHE_MS (1 s) after a revocation.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const problem = await problemOf(phone.me());
    expect(problem.code).toBe("session_revoked");
    expect(phone.session()).toBeUndefined();
    expect(events).toEqual([undefined]);
    expect((await laptop.me()).address).toBe(wallet.address);
  });

  it("logout ends the session at the server: the old refresh token is refused", async () => {
    const { client } = await signedIn();
    const old = client.session() as StoredSession;
    await client.logout();
    expect(client.session()).toBeUndefined();
    const other = createAuthClient({ baseUrl: ctx.edgeUrl, locks: null });
    const store = memoryStore();
    store.save(old);
    const again = createAuthClient({ baseUrl: ctx.edgeUrl, locks: null, store });
    expect((await problemOf(again.refresh())).status).toBe(401);
    expect((await problemOf(other.me())).code).toBe("unauthorized");
  });

  it("refusals are typed problems: code, status, and retryAfter from Retry-After", async () => {
    const client = createAuthClient({ baseUrl: ctx.edgeUrl, locks: null });
    const bad = await problemOf(client.challenge("not-an-address"));
    expect([bad.code, bad.status]).toEqual(["validation_failed", 400]);
    const wallet = newWallet();
    const { message } = await client.challenge(wallet.address);
    const forged = await signerFor(newWallet().privateKey)(message);
    const failed = await problemOf(client.login(message, forged));
    expect([failed.code, failed.status]).toEqual(["login_failed", 401]);
    // Failed sign-ins for one address from this client end in a block with a wait.
    let blocked: ProblemError | undefined;
    for (let i = 0; i < 8 && !blocked; i++) {
      const next = await client.challenge(wallet.address).catch((e: unknown) => e);
      const p =
        next instanceof ProblemError
          ? next
          : await problemOf(client.login((next as { message: string }).message, forged));
      if (p.status === 429) blocked = p;
    }
    expect(blocked?.code).toBe("login_blocked");
    expect(blocked?.retryAfter).toBeGreaterThan(0);
  });

  it("a network failure is a typed network_error, never an untyped throw", async () => {
    const client = createAuthClient({ baseUrl: "http://127.0.0.1:9", locks: null });
    const problem = await problemOf(client.challenge(newWallet().address));
    expect([problem.code, problem.status]).toEqual(["network_error", 0]);
  });
});
