import { beforeAll, describe, expect, it } from "vitest";
import {
  actorWithRole,
  call,
  challenge,
  login,
  newWallet,
  sign,
  superAdmin,
  type TokenPair,
} from "./support/edge.ts";

type User = { id: string; address: string; roles: string[]; status: string };
let sa: TokenPair;

beforeAll(async () => {
  sa = await superAdmin();
});

const setRoles = (token: string, id: string, roles: string[]) =>
  call<{ user: User }>(`/v1/admin/users/${id}/roles`, { method: "PUT", token, body: { roles } });

describe("admin API", () => {
  it("lists users by role with a cursor and gets one by id", async () => {
    const ops = [await actorWithRole("NODE_OPERATOR"), await actorWithRole("NODE_OPERATOR")];
    const page1 = await call<{ users: User[]; nextCursor: string | null }>(
      "/v1/admin/users?role=NODE_OPERATOR&limit=1",
      { token: sa.accessToken },
    );
    expect(page1.status).toBe(200);
    expect(page1.body.users).toHaveLength(1);
    expect(page1.body.nextCursor).toBeTruthy();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = await call<{ users: User[]; nextCursor: string | null }>(
        `/v1/admin/users?role=NODE_OPERATOR&limit=50${q}`,
        { token: sa.accessToken },
      );
      seen.push(...page.body.users.map((u) => u.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    for (const op of ops) expect(seen).toContain(op.pair.user.id);
    const one = await call<{ user: User }>(`/v1/admin/users/${ops[0]?.pair.user.id}`, {
      token: sa.accessToken,
    });
    expect(one.body.user).toMatchObject({ roles: ["NODE_OPERATOR"], status: "active" });
    expect((await call("/v1/admin/users?role=GOD", { token: sa.accessToken })).status).toBe(400);
    expect((await call("/v1/admin/users?limit=0", { token: sa.accessToken })).status).toBe(400);
    expect((await call(`/v1/admin/users/usr_${"0".repeat(32)}`, { token: sa.accessToken })).status).toBe(404);
  });

  it("applies a role change to the user's live sessions at once", async () => {
    const wallet = await newWallet();
    const pair = await login(wallet);
    expect((await call<{ roles: string[] }>("/v1/me", { token: pair.accessToken })).body.roles).toEqual([
      "USER",
    ]);
    expect((await setRoles(sa.accessToken, pair.user.id, ["NODE_OPERATOR"])).status).toBe(200);
    const me = await call<{ roles: string[]; permissions: string[] }>("/v1/me", { token: pair.accessToken });
    expect(me.body.roles).toEqual(["NODE_OPERATOR"]);
    expect(me.body.permissions).toContain("wallet:read");
    // And the refreshed token carries them too.
    const refreshed = await call<TokenPair>("/v1/auth/refresh", {
      body: { refreshToken: pair.refreshToken },
    });
    expect(refreshed.body.user.roles).toEqual(["NODE_OPERATOR"]);
  });

  it("enforces the grant rules: nothing at or above your own rank, nothing on yourself", async () => {
    const admin = await actorWithRole("ADMIN");
    const target = await actorWithRole("USER");
    const up = await setRoles(admin.pair.accessToken, target.pair.user.id, ["ADMIN"]);
    expect([up.status, up.body.code]).toEqual([403, "grant_not_allowed"]);
    const self = await setRoles(admin.pair.accessToken, admin.pair.user.id, ["SUPER_ADMIN"]);
    expect([self.status, self.body.code]).toEqual([403, "self_role_change"]);
    const onSa = await setRoles(admin.pair.accessToken, sa.user.id, ["USER"]);
    expect([onSa.status, onSa.body.code]).toEqual([403, "target_outranks_actor"]);
    const saSelf = await setRoles(sa.accessToken, sa.user.id, ["ADMIN"]);
    expect([saSelf.status, saSelf.body.code]).toEqual([403, "self_role_change"]);
    const saGrantsSa = await setRoles(sa.accessToken, target.pair.user.id, ["SUPER_ADMIN"]);
    expect([saGrantsSa.status, saGrantsSa.body.code]).toEqual([403, "grant_not_allowed"]);
    expect((await setRoles(admin.pair.accessToken, target.pair.user.id, ["NODE_OPERATOR"])).status).toBe(200);
    expect((await setRoles(sa.accessToken, target.pair.user.id, [])).status).toBe(400);
  });

  it("takes power from a demoted admin at once, with the same token", async () => {
    const admin = await actorWithRole("ADMIN");
    const target = await actorWithRole("USER");
    expect((await setRoles(sa.accessToken, admin.pair.user.id, ["USER"])).status).toBe(200);
    const res = await setRoles(admin.pair.accessToken, target.pair.user.id, ["NODE_OPERATOR"]);
    expect([res.status, res.body.code]).toEqual([403, "forbidden"]);
  });

  it("locks a user: every session ends at once, sign-in is refused until unlocked", async () => {
    const wallet = await newWallet();
    const [a, b] = [await login(wallet), await login(wallet)];
    const lock = await call<{ user: User }>(`/v1/admin/users/${a.user.id}/lock`, {
      token: sa.accessToken,
      body: { reason: "stolen device" },
    });
    expect([lock.status, lock.body.user.status]).toEqual([200, "locked"]);
    for (const pair of [a, b]) {
      expect((await call("/v1/me", { token: pair.accessToken })).body.code).toBe("session_revoked");
      expect((await call("/v1/auth/refresh", { body: { refreshToken: pair.refreshToken } })).status).toBe(
        401,
      );
    }
    // Told to the key's holder only: the bridge checked the signature first.
    await expect(login(wallet)).rejects.toThrow(/423/);
    const { message } = await challenge(wallet.address);
    const refused = await call("/v1/auth/login", {
      body: { message, signature: await sign(message, await newWallet()) },
    });
    expect([refused.status, refused.body.code]).toEqual([401, "login_failed"]);
    const unlock = await call<{ user: User }>(`/v1/admin/users/${a.user.id}/unlock`, {
      method: "POST",
      token: sa.accessToken,
    });
    expect(unlock.body.user.status).toBe("active");
    expect((await login(wallet)).user.id).toBe(a.user.id);
  });

  it("queries the audit log (role changes, locks, sign-ins) with filters", async () => {
    const target = await actorWithRole("NODE_OPERATOR");
    const res = await call<{ events: { type: string; outcome: string; target?: { id: string } }[] }>(
      `/v1/admin/audit?type=role_change&userId=${target.pair.user.id}`,
      { token: sa.accessToken },
    );
    expect(res.status).toBe(200);
    expect(res.body.events.map((e) => [e.type, e.outcome, e.target?.id])).toEqual([
      ["role_change", "success", target.pair.user.id],
    ]);
    const signIns = await call<{ events: unknown[] }>(
      `/v1/admin/audit?type=login_success&userId=${target.pair.user.id}`,
      { token: sa.accessToken },
    );
    expect(signIns.body.events.length).toBe(2);
    expect((await call("/v1/admin/audit?from=yesterday", { token: sa.accessToken })).status).toBe(400);
  });

  it("refuses admin routes to lower roles and lockdown to ADMIN", async () => {
    const admin = await actorWithRole("ADMIN");
    const user = await actorWithRole("USER");
    expect((await call("/v1/admin/users", { token: user.pair.accessToken })).body.code).toBe("forbidden");
    expect(
      (await call("/v1/admin/lockdown", { token: admin.pair.accessToken, body: { signing: true } })).body
        .code,
    ).toBe("forbidden");
  });
});
