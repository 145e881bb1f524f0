import { signTip191, type Wallet } from "@tron-auth/bridge/testing/wallet";
import { type AuthClient, createAuthClient } from "@tron-auth/client";

/**
 * How the stack's own programs (demo, load-test provisioning, benchmarks, tests) talk to the edge
 * and to the test wallet service: JSON in, JSON out, and a failure that names the call and carries
 * the answer, because these programs stop at the first step that does not work.
 */
export type CallOptions = { body?: unknown; token?: string; headers?: Record<string, string> };

export async function callJson<T>(url: string, method: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(url, {
    method,
    headers,
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export const postJson = <T>(url: string, body: unknown): Promise<T> => callJson<T>(url, "POST", { body });

/**
 * The client library signed in at `base` with a key this process holds, its session bound to a
 * new key (DPoP) as the library does by default; every request carries `headers` (the client's
 * CF-Connecting-IP). For the setup steps that need an ADMIN or SUPER_ADMIN session.
 */
export async function boundClient(
  base: string,
  wallet: Wallet,
  headers: Record<string, string> = {},
): Promise<AuthClient> {
  const client = createAuthClient({
    baseUrl: base,
    fetch: (input, init) => {
      const merged = new Headers(init?.headers);
      for (const [name, value] of Object.entries(headers)) merged.set(name, value);
      return fetch(input, { ...init, headers: merged });
    },
  });
  await client.signIn(wallet.address, async (message) => signTip191(message, wallet));
  return client;
}

/** A JSON call through the client library (token, DPoP proof, refresh), failing like callJson. */
export async function clientJson<T>(
  client: AuthClient,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await client.fetch(path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export type SignedIn = { accessToken: string; refreshToken: string; user: { id: string; roles: string[] } };

/**
 * A Sign-In with TRON through the edge at `base` with a key this process holds: the challenge,
 * the TIP-191 signature made here, the login. `headers` name the client (CF-Connecting-IP).
 */
export async function signInWithKey(
  base: string,
  wallet: Wallet,
  headers: Record<string, string> = {},
): Promise<SignedIn> {
  const { message } = await callJson<{ message: string }>(`${base}/v1/auth/challenge`, "POST", {
    body: { address: wallet.address },
    headers,
  });
  return callJson<SignedIn>(`${base}/v1/auth/login`, "POST", {
    body: { message, signature: signTip191(message, wallet) },
    headers,
  });
}

/**
 * A user signed in through the edge at `base` with a key held by the worker tests' wallet service
 * (a new one unless `privateKey` is given): the challenge, the TIP-191 signature, the login.
 */
export async function signInWithWalletService(
  base: string,
  walletUrl: string,
  privateKey?: string,
): Promise<{ accessToken: string; refreshToken: string; address: string }> {
  const wallet = await postJson<{ privateKey: string; address: string }>(
    privateKey ? `${walletUrl}/wallets/from-key` : `${walletUrl}/wallets`,
    privateKey ? { privateKey } : {},
  );
  const { message } = await postJson<{ message: string }>(`${base}/v1/auth/challenge`, {
    address: wallet.address,
  });
  const { signature } = await postJson<{ signature: string }>(`${walletUrl}/sign`, {
    message,
    privateKey: wallet.privateKey,
  });
  const pair = await postJson<{ accessToken: string; refreshToken: string }>(`${base}/v1/auth/login`, {
    message,
    signature,
  });
  return { ...pair, address: wallet.address };
}
