import { buildSiwtMessage, parseSiwtMessage } from "@tron-auth/shared/siwt";
import { describe, expect, it } from "vitest";
import { call, challenge, ctx, newWallet, sign, superAdmin } from "./support/edge.ts";
import { redisCommand } from "./support/redis.ts";

const control = (action: "stop" | "start") => fetch(`${ctx.bridgeControlUrl}/${action}`, { method: "POST" });

/** A refusal the edge decides alone (an unknown nonce): audited through the outbox, no bridge needed. */
async function failedSignIn(): Promise<string> {
  const wallet = await newWallet();
  const { message } = await challenge(wallet.address);
  const forged = buildSiwtMessage({ ...parseSiwtMessage(message), nonce: "1111111111111111111111111" });
  const res = await call("/v1/auth/login", {
    body: { message: forged, signature: await sign(forged, wallet) },
  });
  expect(res.status).toBe(401);
  return wallet.address;
}

describe("audit pipeline: worker -> Redis stream -> bridge -> MongoDB", () => {
  it("keeps events produced while the bridge is down and stores each exactly once when it is back", async () => {
    const sa = await superAdmin();
    expect((await control("stop")).status).toBe(204);
    let addresses: string[] = [];
    try {
      const health = await call<{ dependencies: { bridge: string } }>("/health");
      expect(health.body.dependencies.bridge).toBe("unhealthy");
      for (let i = 0; i < 12; i++) addresses.push(await failedSignIn());
    } finally {
      expect((await control("start")).status).toBe(204);
    }
    addresses = [...new Set(addresses)];
    const countsFor = async () => {
      const res = await call<{ events: { actor: { address?: string }; details: { reason?: string } }[] }>(
        "/v1/admin/audit?type=login_failure&limit=200",
        { token: sa.accessToken },
      );
      if (res.status !== 200) return [];
      return addresses.map(
        (a) =>
          res.body.events.filter((e) => e.actor.address === a && e.details.reason === "nonce_invalid").length,
      );
    };
    await expect.poll(countsFor, { timeout: 15_000 }).toEqual(addresses.map(() => 1));
    // A while later, still exactly once: nothing was redelivered into a second copy.
    await new Promise((r) => setTimeout(r, 600));
    expect(await countsFor()).toEqual(addresses.map(() => 1));
  });

  it("does not store an event appended by someone else as genuine: it is quarantined as outbox_forgery", async () => {
    const sa = await superAdmin();
    const id = `evt_forged_${crypto.randomUUID().replace(/-/g, "")}`;
    const claimed = {
      id,
      at: new Date().toISOString(),
      type: "role_change",
      outcome: "success",
      actor: { id: sa.user.id },
      target: { type: "user", id: sa.user.id },
      details: { roles: ["SUPER_ADMIN"] },
    };
    for (const field of ["jws", "event"]) {
      const added = await redisCommand(["XADD", "ta:audit:outbox", "*", field, JSON.stringify(claimed)]);
      expect(added.status).toBe(200);
    }
    const quarantined = async () => {
      const res = await call<{ events: { details: { excerpt?: string; reason?: string } }[] }>(
        "/v1/admin/audit?type=outbox_forgery&limit=200",
        { token: sa.accessToken },
      );
      return res.body.events.filter((e) => e.details.excerpt?.includes(id)).map((e) => e.details.reason);
    };
    await expect
      .poll(quarantined, { timeout: 15_000 })
      .toEqual(expect.arrayContaining(["bad_signature", "unsigned"]));
    const roleChanges = await call<{ events: { id: string }[] }>(
      `/v1/admin/audit?type=role_change&userId=${sa.user.id}&limit=200`,
      { token: sa.accessToken },
    );
    expect(roleChanges.body.events.map((e) => e.id)).not.toContain(id);
  });
});
