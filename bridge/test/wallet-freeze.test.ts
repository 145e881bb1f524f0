import { createServer, type Server, type Socket } from "node:net";
import { startRedisServer } from "@tron-auth/launchers/redis-server";
import { startUpstashRest } from "@tron-auth/upstash-rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SOFTWARE_DEVICES } from "./support/devices.ts";
import { transferHex } from "./support/transactions.ts";
import { startWalletBridge, type WalletBridge } from "./support/wallet-bridge.ts";

const LOCKDOWN = ["HSET", "ta:lockdown", "signing", "1", "sessionsEndedAt", "", "by", "x", "at", "y"];

describe.each(SOFTWARE_DEVICES)("the lockdown freeze, checked again at the bridge ($device)", (d) => {
  let w: WalletBridge;
  let stopRedis: () => Promise<void>;
  let command: (args: string[]) => Promise<unknown>;

  beforeAll(async () => {
    const server = await startRedisServer();
    const rest = await startUpstashRest({ redisUrl: server.url, token: "freeze-token" });
    command = async (args) => {
      const res = await fetch(rest.url, {
        method: "POST",
        headers: { authorization: "Bearer freeze-token" },
        body: JSON.stringify(args),
      });
      return ((await res.json()) as { result: unknown }).result;
    };
    w = await startWalletBridge({
      WALLET_DEVICE: d.device,
      UPSTASH_REDIS_REST_URL: rest.url,
      UPSTASH_REDIS_REST_TOKEN: "freeze-token",
    });
    stopRedis = async () => {
      await rest.stop();
      await server.stop();
    };
  });
  afterAll(async () => {
    await w.t.stop();
    await stopRedis();
  });

  it("refuses signing while the worker's lockdown freezes it, before the device is touched", async () => {
    await command(LOCKDOWN);
    const before = w.device().exchangeCount;
    const res = await w.signTx(transferHex({ amountSun: 1 }));
    expect([res.status, res.body.code]).toEqual([423, "signing_frozen"]);
    expect(w.device().exchangeCount).toBe(before);
    await command(["DEL", "ta:lockdown"]);
    expect((await w.signTx(transferHex({ amountSun: 1 }))).status).toBe(200);
  });

  it("stops an operation that was queued before the freeze, when it reaches the device", async () => {
    const hold = w.device().holdNext();
    const first = w.signTx(transferHex({ amountSun: 2 }));
    await hold.reached; // a person is reading the first transaction on the screen
    const second = w.signTx(transferHex({ amountSun: 3 })); // queued behind a slow confirmation
    await expect
      .poll(async () => (await w.t.call("/internal/v1/wallet", { assertion: w.signer })).body.pending)
      .toBe(2);
    await command(LOCKDOWN);
    try {
      const before = w.device().exchangeCount;
      hold.release();
      expect((await first).status).toBe(200);
      const refused = await second;
      expect([refused.status, refused.body.code]).toEqual([423, "signing_frozen"]);
      // The first one's signature was its last exchange; the second never reached the device.
      expect(w.device().exchangeCount).toBe(before);
      const denial = (await w.auditEvents()).find((e) => e.type === "wallet_policy_denied");
      expect(denial?.details).toMatchObject({ reason: "lockdown", summary: { action: "trx_transfer" } });
    } finally {
      await command(["DEL", "ta:lockdown"]);
    }
  });
});

describe("an unreadable freeze freezes", () => {
  let w: WalletBridge;
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers: an Upstash that hangs.
    silent = createServer((s) => {
      sockets.add(s);
      s.on("error", () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const { port } = silent.address() as { port: number };
    w = await startWalletBridge({
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`,
      UPSTASH_REDIS_REST_TOKEN: "unanswered",
      AUDIT_OUTBOX_POLL_MS: "60000",
    });
  });
  afterAll(async () => {
    await w.t.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it("answers frozen when Upstash does not answer, and when it refuses connections", async () => {
    const before = w.device().exchangeCount;
    const hung = await w.signTx(transferHex({ amountSun: 1 }));
    expect([hung.status, hung.body.code]).toEqual([423, "signing_frozen"]);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    silent = createServer(); // closed again in afterAll
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const refused = await w.signMsg("is anyone there?");
    expect([refused.status, refused.body.code]).toEqual([423, "signing_frozen"]);
    expect(w.device().exchangeCount).toBe(before);
  });
});
