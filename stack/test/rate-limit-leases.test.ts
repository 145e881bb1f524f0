import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithWalletService } from "../src/edge-call.ts";
import { startWorkerd, WORKER_ENTRY, type WorkerdHandle } from "../src/workerd.ts";
import { testWorkerBindings } from "../worker-tests/bindings.ts";
import { startWorkerTestStack, type WorkerTestStack } from "../worker-tests/test-stack.ts";

/**
 * Rate-limit leases across isolates: three workerd processes (three isolates with their own
 * leases) run the real worker against one Upstash server and are hammered for one user at once.
 * The stated bound (worker/src/limits/lease.ts, README "Rate limits"): the user's window serves
 * no more than its limit, however many isolates share it; the price is that a lease which does
 * not fit is refused whole, so up to one lease less one unit of the window may go unserved. The
 * limit is not a multiple of the lease, so the last lease cannot fit exactly.
 */
const LIMIT = 95;
const LEASE = 9;
const WINDOW_SECONDS = 3_600;
const ISOLATES = 3;
const LOOPS_PER_ISOLATE = 4;

let stack: WorkerTestStack;
const isolates: WorkerdHandle[] = [];

beforeAll(async () => {
  stack = await startWorkerTestStack();
  const wiring = testWorkerBindings(stack.context);
  const bindings = {
    ...wiring.bindings,
    RATE_LIMIT_USER: String(LIMIT),
    RATE_LIMIT_LEASE: String(LEASE),
    RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
    // Bearer sessions for every role, the SUPER_ADMIN's included: this file is about leases.
    DPOP_REQUIRED: "none",
  };
  // One after the other: each start bundles the worker to the same file.
  for (let i = 0; i < ISOLATES; i++)
    isolates.push(await startWorkerd({ entry: WORKER_ENTRY, port: 0, ...wiring, bindings }));
});

afterAll(async () => {
  for (const isolate of isolates) await isolate.stop();
  await stack?.stop();
});

/** A user signed in through `base` (a new one unless a key is given): its access token. */
async function signedIn(base: string, privateKey?: string): Promise<string> {
  return (await signInWithWalletService(base, stack.context.walletUrl, privateKey)).accessToken;
}

async function me(base: string, token: string): Promise<number> {
  const res = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  if (res.status !== 200 && res.status !== 429) throw new Error(`/v1/me: ${res.status}`);
  return res.status;
}

/** Requests `base` until it refuses; the number it served. */
async function untilRefused(base: string, token: string): Promise<number> {
  let served = 0;
  while ((await me(base, token)) === 200) served += 1;
  return served;
}

type Hammered = { servedBy: number[]; refusalsAfter: number[][] };

/** Every isolate at once, several connections each, until each refuses; then each drained alone. */
async function hammer(token: string): Promise<Hammered> {
  const servedBy = await Promise.all(
    isolates.map(async ({ url }) => {
      const loops = await Promise.all(
        Array.from({ length: LOOPS_PER_ISOLATE }, () => untilRefused(url, token)),
      );
      // Units this isolate still held when its last loop was refused are spent here.
      return loops.reduce((a, b) => a + b, 0) + (await untilRefused(url, token));
    }),
  );
  const refusalsAfter: number[][] = [];
  for (const { url } of isolates) refusalsAfter.push([await me(url, token), await me(url, token)]);
  return { servedBy, refusalsAfter };
}

describe("rate-limit leases across isolates", () => {
  it("serve no more than the limit, at most one lease short of it, and all refuse once the window is spent", async () => {
    const bucket = () => Math.floor(Date.now() / (WINDOW_SECONDS * 1000));
    let result: Hammered | undefined;
    // A run that straddled a window boundary legitimately sees the next bucket's units: run again.
    for (let attempt = 0; attempt < 3 && !result; attempt++) {
      const first = isolates[0];
      if (!first) throw new Error("no isolate started");
      const token = await signedIn(first.url);
      const start = bucket();
      const run = await hammer(token);
      if (bucket() === start) result = run;
    }
    if (!result) throw new Error("every attempt straddled a window boundary");
    const total = result.servedBy.reduce((a, b) => a + b, 0);
    // Each isolate took part, so the bound was tested across isolates.
    for (const served of result.servedBy) expect(served).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(LIMIT);
    // Held units are spent before an isolate refuses: only a lease that did not fit is lost.
    expect(total).toBeGreaterThanOrEqual(LIMIT - (LEASE - 1));
    expect(result.refusalsAfter).toEqual(isolates.map(() => [429, 429]));
  });

  it("answers every request that waited on another request's lease (workerd does not cancel it as hung)", async () => {
    const first = isolates[0];
    if (!first) throw new Error("no isolate started");
    // The bootstrap SUPER_ADMIN: the privileged tier, whose limit the test stack keeps out of the way.
    const token = await signedIn(first.url, stack.context.superAdminPrivateKey);
    const statuses = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 500; i++) {
          const res = await fetch(`${first.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }),
    );
    expect(Object.fromEntries(statuses)).toEqual({ 200: 8000 });
  });
});
