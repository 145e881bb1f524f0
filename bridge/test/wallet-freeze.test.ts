import { startRedisServer } from "@tron-auth/launchers/redis-server";
import { startUpstashRest } from "@tron-auth/upstash-rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBridge, type TestBridge } from "./support/harness.ts";
import { TEST_MNEMONIC, transferHex } from "./support/transactions.ts";
import { newWallet } from "./support/wallet.ts";

let t: TestBridge;
let stopRedis: () => Promise<void>;
let command: (args: string[]) => Promise<unknown>;
let signer: { sub: string; roles: string[] };

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
  const root = newWallet();
  t = await startTestBridge({
    NODE_ENV: "test",
    WALLET_DRIVER: "software",
    SOFTWARE_WALLET_MNEMONIC: TEST_MNEMONIC,
    UPSTASH_REDIS_REST_URL: rest.url,
    UPSTASH_REDIS_REST_TOKEN: "freeze-token",
    BOOTSTRAP_SUPER_ADMIN_ADDRESS: root.address,
  });
  const sa = await t.actorFor(root);
  signer = { sub: sa.id, roles: sa.roles };
  stopRedis = async () => {
    await rest.stop();
    await server.stop();
  };
});
afterAll(async () => {
  await t.stop();
  await stopRedis();
});

describe("the lockdown freeze, checked again at the bridge", () => {
  it("refuses signing while the worker's lockdown freezes it, before the device is touched", async () => {
    const device = t.bridge.softwareDevice;
    if (!device) throw new Error("no software device");
    await command(["HSET", "ta:lockdown", "signing", "1", "sessionsEndedAt", "", "by", "x", "at", "y"]);
    const before = device.apduCount;
    const res = await t.call("/internal/v1/wallet/sign-message", {
      body: { message: "frozen?" },
      assertion: signer,
    });
    expect([res.status, res.body.code]).toEqual([423, "signing_frozen"]);
    expect(device.apduCount).toBe(before);
    await command(["DEL", "ta:lockdown"]);
    const ok = await t.call("/internal/v1/wallet/sign-transaction", {
      body: { rawDataHex: transferHex({ amountSun: 1 }) },
      assertion: signer,
    });
    expect(ok.status).toBe(200);
  });
});
