import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newWallet } from "./support/wallet.ts";
import { type Actor, startWalletBridge, type WalletBridge } from "./support/wallet-bridge.ts";

let w: WalletBridge;
let otherSigner: Actor;

beforeAll(async () => {
  const other = newWallet();
  w = await startWalletBridge({ WALLET_QUEUE_PER_USER: "3" }, { moreAdmins: [other] });
  const o = await w.t.actorFor(other);
  otherSigner = { sub: o.sub, roles: o.roles };
});
afterAll(() => w.t.stop());

const pendingOnDevice = async () =>
  Number((await w.t.call("/internal/v1/wallet", { assertion: w.signer })).body.pending);

describe("one user flooding the signing queue", () => {
  it("is refused with 429 beyond its share, while another user is admitted and served", async () => {
    const [k0, k1, k2] = [randomUUID(), randomUUID(), randomUUID()];
    // The flooder's first operation waits for a slow confirmation; the next two queue behind it.
    const hold = w.device().holdNext();
    const flood = [w.signMsg("flood 0", { key: k0 })];
    await hold.reached;
    flood.push(w.signMsg("flood 1", { key: k1 }), w.signMsg("flood 2", { key: k2 }));
    await expect.poll(pendingOnDevice).toBe(3);

    const refused = await w.signMsg("flood 3");
    expect([refused.status, refused.body.code, refused.body.retryAfter]).toEqual([429, "rate_limited", 5]);
    // A retry of an unfinished operation joins it: no new place needed, so no refusal.
    const retry = w.signMsg("flood 1", { key: k1 });

    const theirs = w.signMsg("someone else", { as: otherSigner });
    await expect.poll(pendingOnDevice).toBe(4);
    hold.release();

    const answers = await Promise.all([...flood, retry, theirs]);
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 202)).toEqual([]);
    await w.t.bridge.settleWallet();
    const ops = answers.map((a) => String(a.operation?.id));
    for (const [i, id] of ops.entries()) {
      const as = i === ops.length - 1 ? otherSigner : w.signer;
      expect((await w.operation(id, as)).body.status).toBe("succeeded");
    }
    // The retry joined the operation it named.
    expect(ops[3]).toBe(ops[1]);
    // Finished operations give their places back.
    expect((await w.signMsg("flood 4")).status).toBe(200);
  }, 30_000);
});
