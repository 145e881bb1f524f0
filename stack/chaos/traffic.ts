import { randomUUID } from "node:crypto";
import { transferHex } from "@tron-auth/bridge/testing/transactions";
import { newWallet, signTip191, type Wallet } from "@tron-auth/bridge/testing/wallet";
import { type AuthClient, ProblemError } from "@tron-auth/client";

/** What the load does, each a route with its own dependency on the stack's parts. */
export type Op = "me" | "refresh" | "login" | "admin" | "revoked" | "wallet";

export type Outcome = {
  op: Op;
  status: number;
  /** Retry-After as sent, for the 5xx check. */
  retryAfter: string | null;
  /** The problem's code, when the answer was one. */
  code: string | undefined;
  requestId: string;
  started: number;
  ended: number;
};

export type Pair = { accessToken: string; refreshToken: string; user: { id: string } };

/** One edge request with its own request id, so its audit events can be found in MongoDB. */
export async function edgeRequest(
  edge: string,
  path: string,
  o: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; retryAfter: string | null; requestId: string; json: unknown }> {
  const requestId = `chaos-${randomUUID()}`;
  const headers: Record<string, string> = { "x-request-id": requestId, ...o.headers };
  if (o.body !== undefined) headers["content-type"] = "application/json";
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  try {
    const res = await fetch(`${edge}${path}`, {
      method: o.method ?? (o.body === undefined ? "GET" : "POST"),
      headers,
      signal: AbortSignal.timeout(15_000),
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, retryAfter: res.headers.get("retry-after"), requestId, json };
  } catch {
    // No HTTP answer at all from the edge (status 0): counted, and always a failed row.
    return { status: 0, retryAfter: null, requestId, json: undefined };
  }
}

/** Challenge, TIP-191 signature, login: the sign-in's last request is the one that is returned. */
export async function signIn(edge: string, wallet: Wallet) {
  const challenge = await edgeRequest(edge, "/v1/auth/challenge", { body: { address: wallet.address } });
  if (challenge.status !== 200) return { ...challenge, pair: undefined };
  const { message } = challenge.json as { message: string };
  const login = await edgeRequest(edge, "/v1/auth/login", {
    body: { message, signature: signTip191(message, wallet) },
  });
  return { ...login, pair: login.status === 200 ? (login.json as Pair) : undefined };
}

/** A sign-in that must work (setting up a scenario), retried while the stack is still settling. */
export async function mustSignIn(edge: string, wallet: Wallet = newWallet()): Promise<Pair> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const { pair } = await signIn(edge, wallet);
    if (pair) return pair;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`chaos: could not sign in ${wallet.address} through ${edge}`);
}

export type Actors = {
  /** The SUPER_ADMIN: admin reads. */
  admin: Pair;
  /** The SUPER_ADMIN through the client library, its session bound to a key: signing takes only those. */
  signer: AuthClient;
  /** A SUPER_ADMIN session ended before the fault: privileged routes must never accept it. */
  revoked: Pair;
};

/**
 * One virtual user, as two clients: one reads /v1/me, refreshes (rotating its own pair) and tries
 * the revoked SUPER_ADMIN session, none of which needs the Pi; the other signs in anew (its own
 * key, so its sessions never evict the first's), reads the admin API and asks the wallet to sign,
 * all of which need it. Two lanes, so requests held by an away Pi do not starve the edge's own.
 * Runs while `keepGoing()`; every request is recorded.
 */
export async function virtualUser(
  edge: string,
  actors: Actors,
  record: (o: Outcome) => void,
  keepGoing: () => boolean,
): Promise<void> {
  const member = newWallet();
  let pair = await mustSignIn(edge, member);
  const lane = async (ops: Op[], wallet: Wallet) => {
    for (let i = 0; keepGoing(); i++) {
      const op = ops[i % ops.length] as Op;
      const started = Date.now();
      const res = await perform(edge, op, pair, wallet, actors);
      record({
        op,
        status: res.status,
        retryAfter: res.retryAfter,
        code: (res.json as { code?: string } | undefined)?.code,
        requestId: res.requestId,
        started,
        ended: Date.now(),
      });
      if (op === "refresh" && res.pair) pair = res.pair;
      // A refresh refused for good (its rotation was lost with a killed server) ends that session:
      // the member signs in again, as a client library would.
      if (op === "refresh" && res.status === 401) pair = (await signIn(edge, member)).pair ?? pair;
      await new Promise((r) => setTimeout(r, 15));
    }
  };
  await Promise.all([
    lane(["me", "refresh", "me", "revoked"], member),
    lane(["admin", "login", "wallet"], newWallet()),
  ]);
}

type Performed = Awaited<ReturnType<typeof edgeRequest>> & { pair?: Pair | undefined };

async function perform(edge: string, op: Op, pair: Pair, wallet: Wallet, actors: Actors): Promise<Performed> {
  switch (op) {
    case "me":
      return edgeRequest(edge, "/v1/me", { token: pair.accessToken });
    case "refresh": {
      const res = await edgeRequest(edge, "/v1/auth/refresh", { body: { refreshToken: pair.refreshToken } });
      return { ...res, pair: res.status === 200 ? (res.json as Pair) : undefined };
    }
    case "login":
      return signIn(edge, wallet);
    case "admin":
      return edgeRequest(edge, "/v1/admin/users?limit=1", { token: actors.admin.accessToken });
    case "revoked":
      return edgeRequest(edge, "/v1/admin/users?limit=1", { token: actors.revoked.accessToken });
    case "wallet":
      return signThrough(actors.signer, {
        rawDataHex: transferHex({ amountSun: 1 + Math.floor(Math.random() * 1000) }),
      });
  }
}

/**
 * A signing request through the client library (token, DPoP proof, refresh when due), recorded as
 * edgeRequest records its answers; a refusal the library raises itself (a refresh that failed in
 * the outage) is recorded with the problem's status and Retry-After.
 */
async function signThrough(signer: AuthClient, body: unknown): Promise<Performed> {
  const requestId = `chaos-${randomUUID()}`;
  try {
    const res = await signer.fetch("/v1/wallet/sign-transaction", {
      method: "POST",
      headers: {
        "x-request-id": requestId,
        "content-type": "application/json",
        "Idempotency-Key": randomUUID(),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    const json = text.startsWith("{") ? (JSON.parse(text) as unknown) : undefined;
    return { status: res.status, retryAfter: res.headers.get("retry-after"), requestId, json };
  } catch (error) {
    if (!(error instanceof ProblemError) || error.code === "network_error")
      return { status: 0, retryAfter: null, requestId, json: undefined };
    const retryAfter = error.retryAfter === undefined ? null : String(error.retryAfter);
    return { status: error.status, retryAfter, requestId, json: { code: error.code } };
  }
}
