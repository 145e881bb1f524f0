import { randomUUID } from "node:crypto";
import { WALLET_SIGN_WAIT_MS } from "@tron-auth/shared/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBridgeConfig } from "../src/config/load.ts";
import { createLogger } from "../src/log.ts";
import { startBridge } from "../src/runtime/start.ts";
import { bridgeCaller } from "./support/harness.ts";
import { transferHex } from "./support/transactions.ts";
import { newWallet } from "./support/wallet.ts";
import { type Actor, startWalletBridge, type WalletBridge } from "./support/wallet-bridge.ts";

const other = newWallet();
let w: WalletBridge;
let otherSigner: Actor;

beforeAll(async () => {
  w = await startWalletBridge({}, { moreAdmins: [other] });
  const o = await w.t.actorFor(other);
  otherSigner = { sub: o.sub, roles: o.roles };
});
afterAll(() => w.t.stop());

describe("signing is idempotent per user and Idempotency-Key", () => {
  it("answers a retry with the first outcome, without asking the device again", async () => {
    const key = randomUUID();
    const raw = transferHex({ amountSun: 7 });
    const first = await w.signTx(raw, { key });
    expect(first.status).toBe(200);
    const apdus = w.device().exchangeCount;
    const again = await w.signTx(raw.toUpperCase(), { key });
    expect(again).toEqual(first);
    expect(w.device().exchangeCount).toBe(apdus);
    const approvals = (await w.auditEvents()).filter(
      (e) => e.type === "wallet_sign_approved" && e.details.txID === first.body.txID,
    );
    expect(approvals).toHaveLength(1);
  });

  it("refuses the same key with another request (409), and keeps failures as they were", async () => {
    const key = randomUUID();
    expect((await w.signMsg("first text", { key })).status).toBe(200);
    const before = w.device().exchangeCount;
    const reused = await w.signMsg("second text", { key });
    expect([reused.status, reused.body.code]).toEqual([409, "idempotency_key_reused"]);
    expect((await w.signTx(transferHex({ amountSun: 1 }), { key })).body.code).toBe("idempotency_key_reused");
    expect(w.device().exchangeCount).toBe(before);
    // A refusal is an outcome too: the same request and key get it again, unchanged.
    const failKey = randomUUID();
    const denied = await w.signMsg("hello\nNonce: 1234567890\nURI: https://x", { key: failKey });
    const replayed = await w.signMsg("hello\nNonce: 1234567890\nURI: https://x", { key: failKey });
    const { requestId: _a, ...first } = denied.body;
    const { requestId: _b, ...second } = replayed.body;
    expect([replayed.status, second]).toEqual([denied.status, first]);
    expect(denied.body.reason).toBe("sign_in_fields");
  });

  it("keeps users apart: the same key is another operation for another user, and operations are private", async () => {
    const key = randomUUID();
    const mine = await w.signMsg("same key, two users", { key });
    const theirs = await w.signMsg("same key, two users", { key, as: otherSigner });
    expect([mine.status, theirs.status]).toEqual([200, 200]);
    expect(theirs.operation?.id).not.toBe(mine.operation?.id);
    const peek = await w.operation(String(mine.operation?.id), otherSigner);
    expect([peek.status, peek.body.code]).toEqual([404, "not_found"]);
    expect((await w.operation(String(mine.operation?.id))).body).toMatchObject({
      status: "succeeded",
      kind: "message",
      result: mine.body,
    });
    expect((await w.operation("wop_x")).status).toBe(404);
  });

  it(
    "answers 202 pending while a person confirms, then the result, to polls and to retries",
    async () => {
      const key = randomUUID();
      const raw = transferHex({ amountSun: 3 });
      const hold = w.device().holdNext();
      const started = Date.now();
      const pending = await w.signTx(raw, { key });
      expect(Date.now() - started).toBeGreaterThanOrEqual(WALLET_SIGN_WAIT_MS - 50);
      expect(pending.status).toBe(202);
      expect(pending.body).toMatchObject({ kind: "transaction", status: "pending" });
      const id = String(pending.body.id);
      await hold.reached;
      expect((await w.operation(id)).body.status).toBe("pending");
      // A client that timed out retries: it joins the same operation, still pending.
      const retryWhilePending = await w.signTx(raw, { key });
      expect([retryWhilePending.status, retryWhilePending.body.id]).toEqual([202, id]);
      const apdus = w.device().exchangeCount;
      hold.release();
      await expect.poll(async () => (await w.operation(id)).body.status).toBe("succeeded");
      const polled = await w.operation(id);
      expect(polled.body.result).toMatchObject({ txID: expect.any(String), signature: expect.any(String) });
      const retried = await w.signTx(raw, { key });
      expect([retried.status, retried.body]).toEqual([200, polled.body.result]);
      expect(w.device().exchangeCount).toBe(apdus);
    },
    WALLET_SIGN_WAIT_MS * 3 + 5_000,
  );

  it(
    "marks operations a restart interrupted as failed, and a late finish does not revive them",
    async () => {
      const raw = transferHex({ amountSun: 4 });
      const key = randomUUID();
      const hold = w.device().holdNext();
      const pending = await w.signTx(raw, { key });
      expect(pending.status).toBe(202);
      await hold.reached;
      // A second process on the same database, as after a restart of the daemon.
      const next = await startBridge(loadBridgeConfig({ ...w.t.env }), createLogger({ level: "silent" }));
      try {
        const call = bridgeCaller(() => next.port, w.t.ca.certPem, w.t.client, w.t.key);
        const after = await call(`/internal/v1/wallet/operations/${String(pending.body.id)}`, {
          assertion: w.signer,
        });
        expect(after.body).toMatchObject({
          status: "failed",
          problem: { code: "wallet_operation_interrupted" },
        });
        hold.release();
        await w.t.bridge.settleWallet(); // the first process finished and tried to store its result
        const still = await w.operation(String(pending.body.id));
        expect(still.body.status).toBe("failed");
        const retry = await w.signTx(raw, { key });
        expect([retry.status, retry.body.code]).toEqual([503, "wallet_operation_interrupted"]);
      } finally {
        await next.stop();
      }
    },
    WALLET_SIGN_WAIT_MS * 2 + 10_000,
  );
});

describe("the console's reads: recent signatures and the policy", () => {
  it("lists every user's operations newest first, each decoded from what was signed", async () => {
    const raw = transferHex({ amountSun: 2_500_000 });
    const tx = await w.signTx(raw);
    const msg = await w.signMsg("listing: a message", { as: otherSigner });
    const denied = await w.signMsg("hello\nNonce: 1234567890\nURI: https://x");
    expect([tx.status, msg.status, denied.status]).toEqual([200, 200, 403]);
    const res = await w.t.call("/internal/v1/wallet/signatures?limit=3", { assertion: w.signer });
    expect(res.status).toBe(200);
    type Listed = Record<string, unknown> & { summary?: { text: string } };
    const [failed, message, transaction] = res.body.signatures as Listed[];
    expect(failed).toMatchObject({ kind: "message", status: "failed", problemCode: "signing_policy_denied" });
    expect(failed).not.toHaveProperty("summary");
    expect(message).toMatchObject({ kind: "message", status: "succeeded", userId: otherSigner.sub });
    // The caller's text, without the envelope's header lines.
    expect(message?.summary?.text).toBe("sign message: listing: a message");
    expect(transaction).toMatchObject({
      kind: "transaction",
      userId: w.signer.sub,
      txID: tx.body.txID,
      summary: { type: "TransferContract", action: "trx_transfer" },
    });
    expect(transaction?.summary?.text).toMatch(/^send 2\.5 TRX to T/);
    // Nothing secret or reusable is listed: no signature, no signed bytes.
    expect(JSON.stringify(res.body)).not.toContain(String(tx.body.signature));
  });

  it("keeps the listing to audit:read and the policy to wallet:read, and checks the query", async () => {
    const operator = { sub: w.signer.sub, roles: ["NODE_OPERATOR"] };
    const listing = await w.t.call("/internal/v1/wallet/signatures", { assertion: operator });
    expect([listing.status, listing.body.code]).toEqual([403, "forbidden"]);
    const policy = await w.t.call("/internal/v1/wallet/policy", { assertion: operator });
    expect(policy.status).toBe(200);
    expect(policy.body).toMatchObject({ defaultPath: "44'/195'/0'/0/0", tokens: [] });
    expect(policy.body.allowedTypes).toContain("TransferContract");
    const user = await w.t.call("/internal/v1/wallet/policy", {
      assertion: { ...operator, roles: ["USER"] },
    });
    expect(user.status).toBe(403);
    for (const q of ["limit=0", "limit=500", "since=1"]) {
      const bad = await w.t.call(`/internal/v1/wallet/signatures?${q}`, { assertion: w.signer });
      expect([q, bad.status, bad.body.code]).toEqual([q, 400, "validation_failed"]);
    }
  });
});
