import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { call, ctx, login, newWallet, superAdmin } from "./support/edge.ts";

// Another Redis database: ending "every session" here cannot touch other test files' sessions.
const env = { UPSTASH_REDIS_REST_URL: ctx.isolatedUpstashUrl };

async function outboxTypes(): Promise<string[]> {
  const res = await fetch(ctx.isolatedUpstashUrl, {
    method: "POST",
    headers: { authorization: `Bearer ${ctx.upstashToken}` },
    body: JSON.stringify(["XRANGE", "ta:audit:outbox", "-", "+"]),
  });
  const { result } = await res.json<{ result: [string, string[]][] }>();
  return result.map(([, fields]) => (decodeJwt(fields[1] ?? "").evt as { type: string }).type);
}

describe("lockdown (SUPER_ADMIN)", () => {
  it("ends every other session, freezes signing, and lifting it does not revive the sessions", async () => {
    const sa = await superAdmin({ env });
    const alice = await login(await newWallet(), { env });
    const bob = await login(await newWallet(), { env });
    const saOther = await superAdmin({ env });

    const engaged = await call<{ lockdown: Record<string, unknown> }>("/v1/admin/lockdown", {
      token: sa.accessToken,
      body: { signing: true, sessions: true },
      env,
    });
    expect(engaged.status).toBe(200);
    expect(engaged.body.lockdown).toMatchObject({ active: true, signing: true, by: sa.user.id });

    for (const pair of [alice, bob, saOther]) {
      expect((await call("/v1/me", { token: pair.accessToken, env })).body.code).toBe("session_revoked");
      expect(
        (await call("/v1/auth/refresh", { body: { refreshToken: pair.refreshToken }, env })).status,
      ).toBe(401);
    }
    expect((await call("/v1/me", { token: sa.accessToken, env })).status).toBe(200);
    const state = await call<{ lockdown: { signing: boolean } }>("/v1/admin/lockdown", {
      token: sa.accessToken,
      env,
    });
    expect(state.body.lockdown.signing).toBe(true);

    // New sign-ins work during and after a lockdown; the old sessions stay ended after lifting.
    const carol = await login(await newWallet(), { env });
    expect((await call("/v1/me", { token: carol.accessToken, env })).status).toBe(200);
    expect((await call("/v1/admin/lockdown", { method: "DELETE", token: sa.accessToken, env })).status).toBe(
      204,
    );
    const lifted = await call<{ lockdown: { active: boolean; signing: boolean } }>("/v1/admin/lockdown", {
      token: sa.accessToken,
      env,
    });
    expect(lifted.body.lockdown).toMatchObject({ active: false, signing: false });
    expect((await call("/v1/me", { token: alice.accessToken, env })).status).toBe(401);

    await expect.poll(outboxTypes).toEqual(expect.arrayContaining(["lockdown", "lockdown_lifted"]));
  });

  it("refuses an empty or unknown lockdown request with 400", async () => {
    const sa = await superAdmin({ env });
    for (const body of [{}, { signing: false }, { signing: "yes" }, { everything: true }]) {
      const res = await call("/v1/admin/lockdown", { token: sa.accessToken, body, env });
      expect([res.status, res.body.code]).toEqual([400, "validation_failed"]);
    }
  });
});
