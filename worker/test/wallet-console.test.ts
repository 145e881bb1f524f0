import { beforeAll, describe, expect, it } from "vitest";
import { actorWithRole, call, superAdmin, type TokenPair } from "./support/edge.ts";
import { transfer } from "./support/transfers.ts";

/** The console's reads of the wallet and the audit log, through workerd, mTLS and the real bridge. */
type Signature = {
  id: string;
  kind: string;
  status: string;
  userId: string;
  txID?: string;
  summary?: { type: string; text: string; action?: string };
  problemCode?: string;
};
type Policy = {
  defaultPath: string;
  allowedTypes: string[];
  allowedContracts: string[];
  maxPerTransactionSun: string;
  maxPer24hSun: string;
};

const keyed = () => ({ "Idempotency-Key": crypto.randomUUID() });

let admin: TokenPair;
let sa: TokenPair;

beforeAll(async () => {
  admin = (await actorWithRole("ADMIN")).pair;
  sa = await superAdmin();
});

describe("wallet console reads", () => {
  it("shows the signing policy to NODE_OPERATOR and up, never to a USER", async () => {
    const op = (await actorWithRole("NODE_OPERATOR")).pair;
    const res = await call<Policy>("/v1/wallet/policy", { token: op.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.defaultPath).toBe("44'/195'/0'/0/0");
    expect(res.body.allowedTypes).toContain("TransferContract");
    expect(res.body.allowedContracts).toHaveLength(1);
    expect(BigInt(res.body.maxPer24hSun)).toBeGreaterThanOrEqual(BigInt(res.body.maxPerTransactionSun));
    const user = (await actorWithRole("USER")).pair;
    const refused = await call("/v1/wallet/policy", { token: user.accessToken });
    expect([refused.status, refused.body.code]).toEqual([403, "forbidden"]);
  });

  it("lists recent signatures of every user with what was signed, decoded, for audit:read only", async () => {
    const raw = await transfer(1_234_500);
    const signed = await call<{ txID: string }>("/v1/wallet/sign-transaction", {
      token: admin.accessToken,
      body: { rawDataHex: raw },
      headers: keyed(),
    });
    expect(signed.status).toBe(200);
    const message = await call("/v1/wallet/sign-message", {
      token: admin.accessToken,
      body: { message: "console listing check" },
      headers: keyed(),
    });
    expect(message.status).toBe(200);
    const res = await call<{ signatures: Signature[] }>("/v1/wallet/signatures?limit=50", {
      token: sa.accessToken,
    });
    expect(res.status).toBe(200);
    const tx = res.body.signatures.find((s) => s.txID === signed.body.txID);
    expect(tx).toMatchObject({ kind: "transaction", status: "succeeded", userId: admin.user.id });
    expect(tx?.summary).toMatchObject({ type: "TransferContract", action: "trx_transfer" });
    expect(tx?.summary?.text).toMatch(/^send 1\.2345 TRX to T/);
    const msg = res.body.signatures.find((s) => s.kind === "message" && s.userId === admin.user.id);
    expect(msg?.summary?.text).toContain("console listing check");
    // Newest first, and the limit holds.
    const one = await call<{ signatures: Signature[] }>("/v1/wallet/signatures?limit=1", {
      token: sa.accessToken,
    });
    expect(one.body.signatures).toHaveLength(1);
    expect(one.body.signatures[0]?.id).toBe(res.body.signatures[0]?.id);
    for (const bad of ["limit=0", "limit=101", "limit=x", "user=me"]) {
      const refused = await call(`/v1/wallet/signatures?${bad}`, { token: sa.accessToken });
      expect([bad, refused.status, refused.body.code]).toEqual([bad, 400, "validation_failed"]);
    }
    const op = (await actorWithRole("NODE_OPERATOR")).pair;
    const denied = await call("/v1/wallet/signatures", { token: op.accessToken });
    expect([denied.status, denied.body.code]).toEqual([403, "forbidden"]);
  });
});

describe("audit log filters", () => {
  it("finds a user's events by address, combined with type and a time range", async () => {
    const target = await actorWithRole("NODE_OPERATOR");
    const since = new Date(Date.now() - 60_000).toISOString();
    const res = await call<{ events: { type: string; target?: { id: string } }[] }>(
      `/v1/admin/audit?address=${target.wallet.address}&type=role_change&from=${encodeURIComponent(since)}`,
      { token: sa.accessToken },
    );
    expect(res.status).toBe(200);
    expect(res.body.events.map((e) => [e.type, e.target?.id])).toEqual([
      ["role_change", target.pair.user.id],
    ]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await call<{ events: unknown[] }>(
      `/v1/admin/audit?address=${target.wallet.address}&from=${encodeURIComponent(future)}`,
      { token: sa.accessToken },
    );
    expect(none.body.events).toEqual([]);
    const bad = await call("/v1/admin/audit?address=T123", { token: sa.accessToken });
    expect([bad.status, bad.body.code]).toEqual([400, "validation_failed"]);
  });
});
