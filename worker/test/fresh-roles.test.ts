import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  REVOKE_USER,
  ROLE_CHANGE_BEGIN,
  ROLE_CHANGE_END,
  SET_SESSION_ROLES,
} from "../src/sessions/scripts.ts";
import { type Actor, actorWithRole, call, ctx, login, superAdmin, type TokenPair } from "./support/edge.ts";
import { faultState, injectFault, redisCommand, releaseFaults } from "./support/redis.ts";

let sa: TokenPair;
beforeAll(async () => {
  sa = await superAdmin();
});
afterEach(async () => {
  await releaseFaults();
});

const setRoles = (target: Actor, roles: string[]) =>
  call(`/v1/admin/users/${target.pair.user.id}/roles`, {
    method: "PUT",
    token: sa.accessToken,
    body: { roles },
  });
const refresh = (pair: TokenPair) =>
  call<TokenPair>("/v1/auth/refresh", { body: { refreshToken: pair.refreshToken } });
const wallet = (token: string) => call("/v1/wallet", { token });
const bridge = (action: "stop" | "start") => fetch(`${ctx.bridgeControlUrl}/${action}`, { method: "POST" });

/**
 * The Redis steps an admin change takes after the bridge committed, as the faults find them: the
 * script (sent by its SHA1) and the user's key.
 */
const AFTER_COMMIT = {
  "closing the change": (uid: string) => [ROLE_CHANGE_END.sha1, `ta:roles:u:${uid}`, "ta:roles:clock"],
  "rewriting the sessions": (uid: string) => [SET_SESSION_ROLES.sha1, `ta:usess:${uid}`],
};

describe("fresh roles: refresh and privileged routes see the roles the bridge holds", () => {
  for (const [step, match] of Object.entries(AFTER_COMMIT)) {
    it(`a demotion whose Redis update fails at ${step} still applies to refresh and privileged routes`, async () => {
      const op = await actorWithRole("NODE_OPERATOR");
      expect((await wallet(op.pair.accessToken)).status).toBe(200);
      await injectFault(match(op.pair.user.id));
      // Committed at the bridge: the admin gets the new user; the lost update is only logged.
      const demoted = await setRoles(op, ["USER"]);
      expect([demoted.status, demoted.body.user]).toEqual([
        200,
        expect.objectContaining({ roles: ["USER"] }),
      ]);
      expect((await faultState()).armed).toBe(0);

      const privileged = await wallet(op.pair.accessToken);
      expect([privileged.status, privileged.body.code]).toEqual([403, "forbidden"]);
      const refreshed = await refresh(op.pair);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.user.roles).toEqual(["USER"]);
      expect(decodeJwt(refreshed.body.accessToken).roles).toEqual(["USER"]);
      expect((await wallet(refreshed.body.accessToken)).status).toBe(403);
    });
  }

  it("refuses the change (503) with nothing changed when Redis cannot record it first", async () => {
    const op = await actorWithRole("NODE_OPERATOR");
    await injectFault([ROLE_CHANGE_BEGIN.sha1, `ta:roles:u:${op.pair.user.id}`]);
    const res = await setRoles(op, ["USER"]);
    expect([res.status, res.body.code]).toEqual([503, "service_unavailable"]);
    expect((await faultState()).armed).toBe(0);
    const stored = await call<{ user: { roles: string[] } }>(`/v1/admin/users/${op.pair.user.id}`, {
      token: sa.accessToken,
    });
    expect(stored.body.user.roles).toEqual(["NODE_OPERATOR"]);
    expect((await wallet(op.pair.accessToken)).status).toBe(200);
  });

  it("takes admin routes from a demoted ADMIN at once, even when the sessions were not updated", async () => {
    const admin = await actorWithRole("ADMIN");
    expect((await call("/v1/admin/users", { token: admin.pair.accessToken })).status).toBe(200);
    await injectFault(AFTER_COMMIT["closing the change"](admin.pair.user.id));
    expect((await setRoles(admin, ["USER"])).status).toBe(200);
    const res = await call("/v1/admin/users", { token: admin.pair.accessToken });
    expect([res.status, res.body.code]).toEqual([403, "forbidden"]);
    const again = await call("/v1/admin/audit", { token: admin.pair.accessToken });
    expect([again.status, again.body.code]).toEqual([403, "forbidden"]);
  });

  it("a promotion whose Redis update failed is seen too (roles are read, not only lowered)", async () => {
    const user = await actorWithRole("USER");
    await injectFault(AFTER_COMMIT["rewriting the sessions"](user.pair.user.id));
    expect((await setRoles(user, ["NODE_OPERATOR"])).status).toBe(200);
    const w = await wallet(user.pair.accessToken);
    expect(w.status).toBe(200);
  });

  it("a lock whose session revocation failed ends the sessions at refresh and on privileged routes", async () => {
    const op = await actorWithRole("NODE_OPERATOR");
    await injectFault([REVOKE_USER.sha1, `ta:usess:${op.pair.user.id}`]);
    const lock = await call(`/v1/admin/users/${op.pair.user.id}/lock`, {
      token: sa.accessToken,
      body: { reason: "stolen device" },
    });
    expect(lock.status).toBe(200);
    expect((await faultState()).armed).toBe(0);
    const privileged = await wallet(op.pair.accessToken);
    expect([privileged.status, privileged.body.code]).toEqual([401, "session_revoked"]);
    expect((await refresh(op.pair)).status).toBe(401);
  });

  it("fails closed (503) while the bridge is down, without touching the Pi on ordinary routes", async () => {
    const op = await actorWithRole("NODE_OPERATOR");
    await injectFault(AFTER_COMMIT["closing the change"](op.pair.user.id));
    expect((await setRoles(op, ["USER"])).status).toBe(200);
    expect((await bridge("stop")).status).toBe(204);
    try {
      const stale = await refresh(op.pair);
      expect([stale.status, stale.body.code]).toEqual([503, "bridge_unavailable"]);
      expect(JSON.stringify(stale.body)).not.toContain("accessToken");
      expect((await call("/v1/me", { token: op.pair.accessToken })).status).toBe(200);
    } finally {
      expect((await bridge("start")).status).toBe(204);
    }
    const refreshed = await refresh(op.pair);
    expect([refreshed.status, refreshed.body.user.roles]).toEqual([200, ["USER"]]);
  });

  it("a sign-in in flight while a role change commits does not keep the roles it read", async () => {
    const op = await actorWithRole("NODE_OPERATOR");
    // Stop the sign-in after the bridge answered with NODE_OPERATOR, before its session is written.
    await injectFault([`ta:usess:${op.pair.user.id}`, op.wallet.address], "hold");
    const inFlight = login(op.wallet);
    await expect.poll(async () => (await faultState()).held, { timeout: 10_000 }).toBe(1);
    expect((await setRoles(op, ["USER"])).status).toBe(200);
    await releaseFaults();
    const pair = await inFlight;
    expect(pair.user.roles).toEqual(["NODE_OPERATOR"]); // what the bridge said then
    const res = await wallet(pair.accessToken);
    expect([res.status, res.body.code]).toEqual([403, "forbidden"]);
    expect((await refresh(pair)).body.user.roles).toEqual(["USER"]);
  });

  it("leaves sessions of users nobody changed alone: no bridge call on refresh", async () => {
    const op = await actorWithRole("NODE_OPERATOR");
    expect((await bridge("stop")).status).toBe(204);
    try {
      const refreshed = await refresh(op.pair);
      expect([refreshed.status, refreshed.body.user.roles]).toEqual([200, ["NODE_OPERATOR"]]);
    } finally {
      expect((await bridge("start")).status).toBe(204);
    }
  });

  it("overlapping changes of one user leave the sessions to re-read whichever committed last", async () => {
    const user = await actorWithRole("USER");
    const uid = user.pair.user.id;
    // Change 1 commits at the bridge, then waits before closing; change 2 runs whole meanwhile.
    await injectFault(AFTER_COMMIT["closing the change"](uid), "hold");
    const first = setRoles(user, ["NODE_OPERATOR"]);
    await expect.poll(async () => (await faultState()).held, { timeout: 10_000 }).toBe(1);
    expect((await setRoles(user, ["ADMIN"])).status).toBe(200);
    await releaseFaults();
    expect((await first).status).toBe(200);
    // The bridge holds ADMIN (committed last); change 1 must not have written NODE_OPERATOR as current.
    expect((await call("/v1/admin/users", { token: user.pair.accessToken })).status).toBe(200);
    expect((await refresh(user.pair)).body.user.roles).toEqual(["ADMIN"]);
  });

  it("closes a change whose end was lost long ago, so sessions are trusted again once re-read", async () => {
    const op = await actorWithRole("NODE_OPERATOR");
    const state = `ta:roles:u:${op.pair.user.id}`;
    // What a change leaves when Redis lost its end: in flight, begun ten minutes ago.
    await redisCommand(["HSET", state, "inflight", 1, "began", Date.now() - 10 * 60_000]);
    const first = await refresh(op.pair);
    expect([first.status, first.body.user.roles]).toEqual([200, ["NODE_OPERATOR"]]);
    expect((await bridge("stop")).status).toBe(204);
    try {
      // Re-read and trusted: the next refresh needs no bridge.
      const second = await refresh(first.body);
      expect([second.status, second.body.user.roles]).toEqual([200, ["NODE_OPERATOR"]]);
      // A change still in flight (begun now) is never closed that way: fail closed.
      await redisCommand(["HSET", state, "inflight", 1, "began", Date.now()]);
      expect((await refresh(second.body)).status).toBe(503);
    } finally {
      expect((await bridge("start")).status).toBe(204);
    }
  });
});
