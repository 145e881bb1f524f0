import { newWallet, signTip191 } from "@tron-auth/bridge/testing/wallet";
import { clientIp } from "../loadtest/provision.ts";

/** Outcomes by "METHOD /path status" ("... error" when no answer came). */
export type Tally = Record<string, number>;

/** Requests a client makes per session: mostly /v1/me, its sessions now and then, two refreshes. */
const PER_SESSION = 60;

type Pair = { accessToken: string; refreshToken: string };

/**
 * Steady, moderate traffic through the public API: `clients` users, each with its own key and
 * client IP, signing in (challenge, TIP-191 signature, login: the bridge verifies), calling
 * authenticated routes every `paceMs`, refreshing, logging out, and again. Every part of the
 * stack is in the path: workerd, Upstash over redis-server, the bridge over mTLS, FerretDB. The
 * pace keeps each client far inside the worker's rate limits, so any 429 is a finding.
 */
export function startTraffic(edge: string, clients: number, paceMs: number) {
  const tally: Tally = {};
  let running = true;
  const count = (key: string) => {
    tally[key] = (tally[key] ?? 0) + 1;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function call<T>(ip: string, method: string, path: string, body?: unknown, token?: string) {
    const headers: Record<string, string> = { "cf-connecting-ip": ip, "user-agent": "soak" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      const res = await fetch(`${edge}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      count(`${method} ${path} ${res.status}`);
      return res.ok ? ((text ? JSON.parse(text) : {}) as T) : undefined;
    } catch {
      count(`${method} ${path} error`);
      return undefined;
    }
  }

  async function client(i: number): Promise<void> {
    const wallet = newWallet();
    const ip = clientIp(i);
    // Spread the clients' cycles over the first seconds instead of one thundering start.
    await sleep((i * paceMs) / clients);
    while (running) {
      const challenge = await call<{ message: string }>(ip, "POST", "/v1/auth/challenge", {
        address: wallet.address,
      });
      const pair =
        challenge &&
        (await call<Pair>(ip, "POST", "/v1/auth/login", {
          message: challenge.message,
          signature: signTip191(challenge.message, wallet),
        }));
      if (!pair) {
        await sleep(1_000);
        continue;
      }
      let tokens: Pair = pair;
      for (let k = 1; k <= PER_SESSION && running; k++) {
        await sleep(paceMs);
        if (k % 25 === 0) {
          tokens =
            (await call<Pair>(ip, "POST", "/v1/auth/refresh", { refreshToken: tokens.refreshToken })) ??
            tokens;
        } else if (k % 10 === 0) await call(ip, "GET", "/v1/auth/sessions", undefined, tokens.accessToken);
        else await call(ip, "GET", "/v1/me", undefined, tokens.accessToken);
      }
      await call(ip, "POST", "/v1/auth/logout", undefined, tokens.accessToken);
    }
  }

  const all = Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  return {
    tally,
    /** Lets every client finish the request it is in, then returns the outcomes. */
    async stop(): Promise<Tally> {
      running = false;
      await all;
      return tally;
    },
  };
}
