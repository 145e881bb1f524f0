/**
 * `npm run bench -- worker`: numbers, not assertions. One workerd (Miniflare) runs the worker with
 * its real bindings: Upstash REST over redis-server, and the bridge over mTLS with FerretDB.
 */
import { fileURLToPath } from "node:url";
import { createAuthClient, createDpopProof, type DpopKey, memoryKeyStore } from "@tron-auth/client";
import { postJson } from "../src/edge-call.ts";
import { startWorkerd } from "../src/workerd.ts";
import { testWorkerBindings } from "../worker-tests/bindings.ts";
import { startWorkerTestStack } from "../worker-tests/test-stack.ts";
import { httpLoad, type LoadHeaders } from "./http-load.ts";
import { childPids, cpuMs, type LoadResult, percentile } from "./stats.ts";

// The real app plus routes that differ only in their guard (worker/bench/bench-worker.ts).
const BENCH_ENTRY = fileURLToPath(import.meta.resolve("@tron-auth/worker/bench-entry"));

const GUARD = "ours: requireAuth (+ leased limit)";
const GUARD_DPOP = "ours: requireAuth, DPoP-bound";
const HONO_JWK = "hono/jwk (same Ed25519 key)";

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  out("worker benchmark (workerd via Miniflare, real Upstash REST and mTLS bridge)");
  const stack = await startWorkerTestStack();
  const ctx = stack.context;
  const worker = await startWorkerd({
    entry: BENCH_ENTRY,
    port: 0,
    ...testWorkerBindings(ctx, ctx.countingUpstashUrl),
  });
  try {
    const base = worker.url;
    const wallet = await postJson<{ privateKey: string; address: string }>(`${ctx.walletUrl}/wallets`, {});

    const loginLatencies: number[] = [];
    let accessToken = "";
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      const { message } = await postJson<{ message: string }>(`${base}/v1/auth/challenge`, {
        address: wallet.address,
      });
      const signedAt = performance.now();
      // The wallet's signing time is the user's device, not the service: excluded.
      const { signature } = await postJson<{ signature: string }>(`${ctx.walletUrl}/sign`, {
        message,
        privateKey: wallet.privateKey,
      });
      const t1 = performance.now();
      ({ accessToken } = await postJson<{ accessToken: string }>(`${base}/v1/auth/login`, {
        message,
        signature,
      }));
      loginLatencies.push(signedAt - t0 + (performance.now() - t1));
    }
    loginLatencies.sort((a, b) => a - b);

    const auth = { authorization: `Bearer ${accessToken}` };
    const bound = await boundSession(base, ctx.walletUrl);
    out(
      `\n  ${"route".padEnd(34)} ${"conns".padStart(5)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)}`,
    );
    const routes: [string, string, (total: number) => Promise<LoadHeaders>][] = [
      ["bare Hono route", "/bench/bare", async () => ({})],
      ["ours: token + session (1 s cache)", "/bench/ours-auth", async () => auth],
      [GUARD, "/bench/ours", async () => auth],
      [GUARD_DPOP, "/bench/ours", (total) => bound.proofs(`${base}/bench/ours`, total)],
      ["ours: requireFreshAuth (strict)", "/bench/ours-strict", async () => auth],
      [HONO_JWK, "/bench/hono-jwk", async () => auth],
    ];
    const upstashPerRequest: Record<string, number> = {};
    const guardVsHonoJwk: string[] = [];
    const boundVsBearer: string[] = [];
    // The edge's own cost of a request: workerd's CPU time per request (the load generator, which
    // shares the machine, and the bigger requests it sends for DPoP are not the edge's cost).
    const workerdPid = childPids("workerd")[0];
    const cpuPerRequest = new Map<string, number[]>();
    for (const connections of [1, 16]) {
      for (const [, path, headers] of routes)
        await httpLoad(`${base}${path}`, await headers(300), 300, connections);
      // Interleaved rounds, median by throughput: one route never gets all the warm (or noisy) time.
      const runs = new Map<string, LoadResult[]>();
      for (let round = 0; round < 3; round++) {
        for (const [name, path, headersFor] of routes) {
          const total = connections === 1 ? 1_000 : 3_000;
          // Proofs are signed before the clock starts: the client's signing is not the edge's cost.
          const headers = await headersFor(total);
          const before = totalRequests(stack.countingStats);
          const cpuBefore = workerdPid ? cpuMs(workerdPid) : 0;
          const r = await httpLoad(`${base}${path}`, headers, total, connections);
          if (workerdPid && connections === 16)
            cpuPerRequest.set(name, [
              ...(cpuPerRequest.get(name) ?? []),
              ((cpuMs(workerdPid) - cpuBefore) * 1000) / total,
            ]);
          if (path.startsWith("/bench/ours"))
            upstashPerRequest[`${name}, ${connections} conn`] =
              (totalRequests(stack.countingStats) - before) / total;
          runs.set(name, [...(runs.get(name) ?? []), r]);
        }
      }
      const medianRate = new Map<string, number>();
      for (const [name, results] of runs) {
        const r =
          [...results].sort((x, y) => x.requests / x.seconds - y.requests / y.seconds)[1] ?? results[0];
        if (!r) continue;
        medianRate.set(name, r.requests / r.seconds);
        out(
          `  ${name.padEnd(34)} ${String(connections).padStart(5)} ${(r.requests / r.seconds).toFixed(0).padStart(8)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)}`,
        );
      }
      const guard = medianRate.get(GUARD);
      const honoJwk = medianRate.get(HONO_JWK);
      const guardDpop = medianRate.get(GUARD_DPOP);
      if (guard && honoJwk) guardVsHonoJwk.push(`${(guard / honoJwk).toFixed(2)}x at ${connections} conn`);
      if (guard && guardDpop) boundVsBearer.push(`${(guard / guardDpop).toFixed(2)}x at ${connections} conn`);
    }
    out(`\n  production guard (requireAuth) vs hono/jwk: ${guardVsHonoJwk.join(", ")} (goal >= 1.0x at 16)`);
    out(`  DPoP-bound vs bearer, throughput (bearer req/s / bound req/s): ${boundVsBearer.join(", ")}`);
    const median = (xs: number[] | undefined) => [...(xs ?? [])].sort((a, b) => a - b)[1];
    const [bearerCpu, boundCpu] = [median(cpuPerRequest.get(GUARD)), median(cpuPerRequest.get(GUARD_DPOP))];
    if (bearerCpu && boundCpu)
      out(
        `  DPoP-bound vs bearer, workerd CPU per request at 16 conn: ${boundCpu.toFixed(0)} / ${bearerCpu.toFixed(0)} us = ${(boundCpu / bearerCpu).toFixed(2)}x (goal <= 1.2x)`,
      );
    out("\n  Upstash requests per authenticated request (goal <= 0.1 for requireAuth):");
    for (const [name, n] of Object.entries(upstashPerRequest)) out(`    ${name.padEnd(44)} ${n.toFixed(3)}`);
    out(
      `  login end to end (challenge + login, bridge over mTLS): p50 ${percentile(loginLatencies, 50).toFixed(1)} ms, p99 ${percentile(loginLatencies, 99).toFixed(1)} ms (n=40)`,
    );
    await signingLines(base, ctx.walletUrl, ctx.superAdminPrivateKey);
  } finally {
    await worker.stop();
    await stack.stop();
  }
}

/** A client library session bound to a key, and `n` fresh proofs for GET `url` with its token. */
async function boundSession(base: string, walletUrl: string, privateKey?: string) {
  const keys = memoryKeyStore();
  const client = createAuthClient({ baseUrl: base, keyStore: keys });
  const wallet = await postJson<{ privateKey: string; address: string }>(
    privateKey ? `${walletUrl}/wallets/from-key` : `${walletUrl}/wallets`,
    privateKey ? { privateKey } : {},
  );
  const sign = async (message: string) =>
    (await postJson<{ signature: string }>(`${walletUrl}/sign`, { message, privateKey: wallet.privateKey }))
      .signature;
  const { pair, jkt } = await client.signIn(wallet.address, sign);
  const key = jkt ? await keys.load(jkt) : undefined;
  if (!key || pair.tokenType !== "DPoP") throw new Error("the bench session is not DPoP-bound");
  return {
    client,
    proofs: (url: string, n: number) => proofsFor(key, url, pair.accessToken, n),
  };
}

/** `n` proofs for GET `url`, with the nonce the edge offers now (so none needs Redis). */
async function proofsFor(key: DpopKey, url: string, accessToken: string, n: number): Promise<LoadHeaders> {
  const probe = await fetch(url, {
    headers: {
      authorization: `DPoP ${accessToken}`,
      DPoP: await createDpopProof(key, { method: "GET", url, accessToken }),
    },
  });
  await probe.arrayBuffer();
  const nonce = probe.headers.get("dpop-nonce") ?? undefined;
  const target = { method: "GET", url, accessToken, ...(nonce ? { nonce } : {}) };
  const proofs = await Promise.all(Array.from({ length: n }, () => createDpopProof(key, target)));
  return (i) => ({ authorization: `DPoP ${accessToken}`, DPoP: proofs[i] ?? "" });
}

/** Signing through the whole chain: edge, mTLS, bridge, policy, software Ledger (hw-app-trx). */
async function signingLines(base: string, walletUrl: string, superAdminKey: string): Promise<void> {
  // Wallet signing takes only key-bound sessions.
  const { client } = await boundSession(base, walletUrl, superAdminKey);
  const { rawDataHex } = await postJson<{ rawDataHex: string }>(`${walletUrl}/build/transfer`, {
    amountSun: 1,
    memoBytes: 200,
  });
  const cases: [string, string, unknown][] = [
    ["sign-message", "/v1/wallet/sign-message", { message: "bench" }],
    ["sign-transaction (335 bytes, 2 chunks)", "/v1/wallet/sign-transaction", { rawDataHex }],
  ];
  for (const [name, path, body] of cases) {
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const res = await client.fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    out(
      `  ${name} end to end: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (n=30)`,
    );
  }
}

function totalRequests(stats: Map<string, number>): number {
  let n = 0;
  for (const v of stats.values()) n += v;
  return n;
}

await main();
