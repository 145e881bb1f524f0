import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAuthClient, createDpopProof, type DpopKey, memoryKeyStore } from "@tron-auth/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../src/edge-call.ts";
import { startWorkerd, WORKER_ENTRY, type WorkerdHandle } from "../src/workerd.ts";
import { testWorkerBindings } from "../worker-tests/bindings.ts";
import { startWorkerTestStack, type WorkerTestStack } from "../worker-tests/test-stack.ts";

/**
 * DPoP across isolates: two workerd processes (two isolates, each with its own nonces and proof
 * memory) behind one front that forwards each request to the isolate it is told to, or to the
 * next in turn, keeping the Host header, so both see the same URL, as Cloudflare's isolates do.
 * A proof used at one isolate must not work at the other, whether it carries a nonce (refused
 * there with use_dpop_nonce: the nonce is not that isolate's) or not (refused by Redis).
 */
let stack: WorkerTestStack;
const isolates: WorkerdHandle[] = [];
let front: Server;
let frontUrl = "";
let turn = 0;

beforeAll(async () => {
  stack = await startWorkerTestStack();
  const wiring = testWorkerBindings(stack.context);
  for (let i = 0; i < 2; i++) isolates.push(await startWorkerd({ entry: WORKER_ENTRY, port: 0, ...wiring }));
  front = createServer((req, res) => {
    const pinned = req.headers["x-isolate"];
    const target = isolates[pinned === undefined ? turn++ % isolates.length : Number(pinned)];
    if (!target) throw new Error("no such isolate");
    const upstream = new URL(target.url);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => front?.close(resolve));
  for (const isolate of isolates) await isolate.stop();
  await stack?.stop();
});

/** A client library session bound to a key, signed in through the front. */
async function boundClient(fetchImpl?: typeof fetch) {
  const keys = memoryKeyStore();
  const client = createAuthClient({
    baseUrl: frontUrl,
    keyStore: keys,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const walletUrl = stack.context.walletUrl;
  const wallet = await postJson<{ privateKey: string; address: string }>(`${walletUrl}/wallets`, {});
  const sign = async (message: string) =>
    (await postJson<{ signature: string }>(`${walletUrl}/sign`, { message, privateKey: wallet.privateKey }))
      .signature;
  const { pair, jkt } = await client.signIn(wallet.address, sign);
  const key = jkt ? await keys.load(jkt) : undefined;
  if (!key) throw new Error("not bound");
  return { client, key, token: pair.accessToken };
}

/** GET /v1/me at isolate `i` with exactly this proof. */
async function meAt(i: number, token: string, proof: string) {
  const res = await fetch(`${frontUrl}/v1/me`, {
    headers: { authorization: `DPoP ${token}`, DPoP: proof, "x-isolate": String(i) },
  });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code, nonce: res.headers.get("dpop-nonce") ?? undefined };
}

const proofFor = (key: DpopKey, token: string, nonce?: string) =>
  createDpopProof(key, {
    method: "GET",
    url: `${frontUrl}/v1/me`,
    accessToken: token,
    ...(nonce ? { nonce } : {}),
  });

describe("DPoP proofs across isolates", () => {
  it("gives each isolate its own nonces", async () => {
    const { key, token } = await boundClient();
    const a = await meAt(0, token, await proofFor(key, token));
    const b = await meAt(1, token, await proofFor(key, token));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.nonce).toBeDefined();
    expect(b.nonce).toBeDefined();
    expect(a.nonce).not.toBe(b.nonce);
  });

  it("refuses at the other isolate a proof one isolate accepted with its nonce", async () => {
    const { key, token } = await boundClient();
    const { nonce } = await meAt(0, token, await proofFor(key, token));
    const proof = await proofFor(key, token, nonce);
    expect((await meAt(0, token, proof)).status).toBe(200);
    const elsewhere = await meAt(1, token, proof);
    expect([elsewhere.status, elsewhere.code]).toEqual([401, "use_dpop_nonce"]);
    expect((await meAt(0, token, proof)).code).toBe("invalid_dpop_proof");
  });

  it("refuses at the other isolate a proof without a nonce that one isolate accepted", async () => {
    const { key, token } = await boundClient();
    const proof = await proofFor(key, token);
    expect((await meAt(0, token, proof)).status).toBe(200);
    const elsewhere = await meAt(1, token, proof);
    expect([elsewhere.status, elsewhere.code]).toEqual([401, "invalid_dpop_proof"]);
  });

  it("the client library follows each isolate's nonce: every call succeeds when requests alternate", async () => {
    const nonceRetries = { count: 0 };
    const counting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (res.status === 401 && (await res.clone().json()).code === "use_dpop_nonce") nonceRetries.count += 1;
      return res;
    };
    const { client } = await boundClient(counting);
    for (let i = 0; i < 6; i++) expect((await client.me()).roles).toEqual(["USER"]);
    // Requests alternate between isolates, so the client met a foreign nonce and followed it.
    expect(nonceRetries.count).toBeGreaterThan(0);
    await client.refresh();
    expect((await client.me()).roles).toEqual(["USER"]);
  });
});
