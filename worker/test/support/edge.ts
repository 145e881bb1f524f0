import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Env } from "../../src/platform/env.ts";
import { type DpopKey, keyOfBody, keyOfToken, newKey, noteReply, proofFor } from "./dpop.ts";

export const ctx = inject("workerTestContext");
export const baseEnv = env as unknown as Env & { BRIDGE_DOWN: Fetcher };
const app = createApp();

export type Reply<T = Record<string, unknown>> = {
  status: number;
  headers: Headers;
  body: T & { code?: string };
};

export type CallOptions = {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  env?: Partial<Env>;
  /** Sign in bound to a key (the default, as the client library does), or `false` for bearer. */
  dpop?: boolean;
};

/** One request through the worker's app inside workerd, with its ExecutionContext drained. */
export async function call<T = Record<string, unknown>>(
  path: string,
  o: CallOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { "user-agent": "edge-test/1", ...o.headers };
  let body: string | undefined;
  if (o.body !== undefined) {
    body = typeof o.body === "string" ? o.body : JSON.stringify(o.body);
    headers["content-type"] ??= "application/json";
  }
  const key = keyOfToken(o.token) ?? keyOfBody(o.body);
  if (o.token) headers.authorization = `${keyOfToken(o.token) ? "DPoP" : "Bearer"} ${o.token}`;
  const method = o.method ?? (body === undefined ? "GET" : "POST");
  const url = `https://edge.test${path}`;
  // A test that sends its own DPoP header (a forged or replayed proof) keeps it.
  if (key && !Object.keys(headers).some((h) => h.toLowerCase() === "dpop"))
    headers.DPoP = await proofFor(key, method, url, o.token);
  const request = new Request(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const execution = createExecutionContext();
  const res = await app.fetch(request, { ...baseEnv, ...o.env }, execution);
  await waitOnExecutionContext(execution);
  const text = await res.text();
  const parsed = (text ? JSON.parse(text) : {}) as Reply<T>["body"];
  noteReply(res.headers, parsed, key);
  return { status: res.status, headers: res.headers, body: parsed };
}

export type Wallet = { privateKey: string; address: string };

/** A fresh software TRON key from the Node-side wallet service. */
export async function newWallet(): Promise<Wallet> {
  return (await fetch(`${ctx.walletUrl}/wallets`, { method: "POST" })).json<Wallet>();
}

export const existingWallet = async (privateKey: string): Promise<Wallet> => {
  const res = await fetch(`${ctx.walletUrl}/wallets/from-key`, {
    method: "POST",
    body: JSON.stringify({ privateKey }),
  });
  return res.json<Wallet>();
};

/** tronweb `trx.signMessageV2` over the exact message text, as the user's wallet signs it. */
export async function sign(message: string, wallet: Wallet): Promise<string> {
  const res = await fetch(`${ctx.walletUrl}/sign`, {
    method: "POST",
    body: JSON.stringify({ message, privateKey: wallet.privateKey }),
  });
  return (await res.json<{ signature: string }>()).signature;
}

export type TokenPair = {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  user: { id: string; address: string; roles: string[] };
};

export async function challenge(address: string, o: CallOptions = {}) {
  const res = await call<{ message: string; nonce: string; expiresAt: string }>("/v1/auth/challenge", {
    ...o,
    body: { address },
  });
  if (res.status !== 200) throw new Error(`challenge failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Challenge, sign with the wallet, log in: the whole browser flow, bound to a new key unless
 * `dpop: false` (`key` on the pair: the key, for tests that sign their own proofs).
 */
export async function login(wallet: Wallet, o: CallOptions = {}): Promise<TokenPair & { key?: DpopKey }> {
  const { message } = await challenge(wallet.address, o);
  const key = o.dpop === false ? undefined : await newKey();
  const headers = {
    ...o.headers,
    ...(key ? { DPoP: await proofFor(key, "POST", "https://edge.test/v1/auth/login") } : {}),
  };
  const res = await call<TokenPair>("/v1/auth/login", {
    ...o,
    headers,
    body: { message, signature: await sign(message, wallet) },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (key) noteReply(res.headers, res.body, key);
  return key ? { ...res.body, key } : res.body;
}

let superAdminPair: Promise<TokenPair> | undefined;

/** The bootstrap SUPER_ADMIN, signed in once per test file (SUPER_ADMIN comes only from config). */
export function superAdmin(o: CallOptions = {}): Promise<TokenPair> {
  if (o.env) return existingWallet(ctx.superAdminPrivateKey).then((w) => login(w, o));
  superAdminPair ??= existingWallet(ctx.superAdminPrivateKey).then((w) => login(w));
  return superAdminPair;
}

export type Actor = { wallet: Wallet; pair: TokenPair };

/** A fresh user granted `role` by the SUPER_ADMIN through the admin API, signed in again after. */
export async function actorWithRole(role: "USER" | "NODE_OPERATOR" | "ADMIN"): Promise<Actor> {
  const wallet = await newWallet();
  const first = await login(wallet);
  if (role !== "USER") {
    const sa = await superAdmin();
    const res = await call(`/v1/admin/users/${first.user.id}/roles`, {
      method: "PUT",
      token: sa.accessToken,
      body: { roles: [role] },
    });
    if (res.status !== 200) throw new Error(`grant ${role} failed: ${JSON.stringify(res.body)}`);
  }
  return { wallet, pair: await login(wallet) };
}
