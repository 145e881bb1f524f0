/**
 * The load test's simulated clients, made through the public API before the run: each gets a new
 * TRON key, its own client IP and a session from a real SIWT sign-in (which also creates its user
 * at the bridge); the SUPER_ADMIN grants ADMIN to the admin clients, which then refresh so their
 * tokens carry the role. Locust starts from these sessions and signs in again itself.
 */
import { newWallet, type Wallet } from "@tron-auth/bridge/testing/wallet";
import { load } from "../bench/stats.ts";
import { callJson, type SignedIn, signInWithKey } from "../src/edge-call.ts";
import type { Kind } from "./plan.ts";

export type ProvisionedClient = Wallet & {
  ip: string;
  userId?: string;
  accessToken?: string;
  refreshToken?: string;
};

export type Clients = Record<Kind, ProvisionedClient[]>;

/**
 * Client i's IP, as Cloudflare's edge would report it: three in four IPv4 from the benchmarking
 * range 198.18.0.0/15, one in four IPv6 from the documentation range, each in its own /64 (the
 * worker charges an IPv6 client by /64). Only ever a header value: no traffic goes to them.
 */
export function clientIp(i: number): string {
  if (i % 4 === 3) return `2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`;
  const n = i + 1;
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
}

function call<T>(edge: string, ip: string, method: string, path: string, body?: unknown, token?: string) {
  const headers = { "cf-connecting-ip": ip, "user-agent": "loadtest-provision" };
  return callJson<T>(`${edge}${path}`, method, { body, ...(token ? { token } : {}), headers });
}

const signIn = (edge: string, wallet: Wallet, ip: string): Promise<SignedIn> =>
  signInWithKey(edge, wallet, { "cf-connecting-ip": ip, "user-agent": "loadtest-provision" });

export async function provisionClients(
  edge: string,
  superAdmin: Wallet,
  counts: Record<Kind, number>,
): Promise<Clients> {
  let next = 0;
  const fresh = (n: number) => Array.from({ length: n }, () => ({ ...newWallet(), ip: clientIp(next++) }));
  const clients: Clients = {
    member: fresh(counts.member),
    admin: fresh(counts.admin),
    flood: fresh(counts.flood),
  };
  const signedIn = [...clients.member, ...clients.admin];
  // A few at a time: each sign-in is a signature check at the bridge.
  await load(signedIn.length, 8, async (i) => {
    const client = signedIn[i];
    if (!client) return;
    const pair = await signIn(edge, client, client.ip);
    Object.assign(client, {
      userId: pair.user.id,
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
    });
  });
  if (clients.admin.length > 0) {
    const operatorIp = clientIp(next++);
    const operator = await signIn(edge, superAdmin, operatorIp);
    for (const admin of clients.admin) {
      await call(
        edge,
        operatorIp,
        "PUT",
        `/v1/admin/users/${admin.userId}/roles`,
        { roles: ["ADMIN"] },
        operator.accessToken,
      );
      // Refresh re-reads roles that changed, so the new token carries ADMIN (and its rate-limit tier).
      const pair = await call<SignedIn>(edge, admin.ip, "POST", "/v1/auth/refresh", {
        refreshToken: admin.refreshToken,
      });
      if (!pair.user.roles.includes("ADMIN"))
        throw new Error(`provisioning: ${admin.address} did not become ADMIN`);
      Object.assign(admin, { accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    }
  }
  return clients;
}
