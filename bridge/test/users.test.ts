import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBridge, type TestBridge } from "./support/harness.ts";
import { newWallet, type Wallet } from "./support/wallet.ts";

type Actor = { id: string; sub: string; roles: string[]; wallet: Wallet };
let t: TestBridge;
let root: Actor;
const rootWallet = newWallet();

beforeAll(async () => {
  t = await startTestBridge({ BOOTSTRAP_SUPER_ADMIN_ADDRESS: rootWallet.address });
  root = await t.actorFor(rootWallet);
});
afterAll(() => t.stop());

const setRoles = (actor: Actor, targetId: string, roles: string[]) =>
  t.call(`/internal/v1/users/${targetId}/roles`, { method: "PUT", body: { roles }, assertion: actor });

async function userWithRoles(roles: string[], wallet: Wallet = newWallet()): Promise<Actor> {
  const actor = await t.actorFor(wallet);
  if (roles.join() !== "USER") expect((await setRoles(root, actor.id, roles)).status).toBe(200);
  return { ...actor, roles };
}

describe("role changes", () => {
  it("lets a SUPER_ADMIN make an ADMIN, and audits the change", async () => {
    const bob = await userWithRoles(["ADMIN"]);
    const res = await t.call(`/internal/v1/users/${bob.id}`, { assertion: root });
    expect(res.body.user).toMatchObject({ roles: ["ADMIN"] });
    const audit = await t.call(`/internal/v1/audit?type=role_change&userId=${bob.id}`, { assertion: root });
    const [event] = audit.body.events as { outcome: string; details: Record<string, unknown> }[];
    expect(event).toMatchObject({ outcome: "success", details: { from: ["USER"], to: ["ADMIN"] } });
  });

  it("finds a user's events by address: as actor or target once signed in, combined with the other filters", async () => {
    const carol = await userWithRoles(["NODE_OPERATOR"]);
    const byAddress = await t.call(`/internal/v1/audit?address=${carol.wallet.address}`, { assertion: root });
    expect(byAddress.status).toBe(200);
    const types = (byAddress.body.events as { type: string }[]).map((e) => e.type);
    expect(types).toContain("role_change");
    expect(types).toContain("login_success");
    const roleOnly = await t.call(`/internal/v1/audit?address=${carol.wallet.address}&type=role_change`, {
      assertion: root,
    });
    expect((roleOnly.body.events as { target?: { id: string } }[]).map((e) => e.target?.id)).toEqual([
      carol.id,
    ]);
    const stranger = await t.call(`/internal/v1/audit?address=${newWallet().address}`, { assertion: root });
    expect([stranger.status, stranger.body.events]).toEqual([200, []]);
    const bad = await t.call("/internal/v1/audit?address=TnotAnAddress", { assertion: root });
    expect([bad.status, bad.body.code]).toEqual([400, "validation_failed"]);
    const unknown = await t.call("/internal/v1/audit?actor=x", { assertion: root });
    expect([unknown.status, unknown.body.code]).toEqual([400, "validation_failed"]);
  });

  it("lets an ADMIN grant NODE_OPERATOR but not ADMIN, and never to themselves", async () => {
    const admin = await userWithRoles(["ADMIN"]);
    const user = await userWithRoles(["USER"]);
    expect((await setRoles(admin, user.id, ["NODE_OPERATOR"])).status).toBe(200);
    const up = await setRoles(admin, user.id, ["ADMIN"]);
    expect([up.status, up.body.code]).toEqual([403, "grant_not_allowed"]);
    const self = await setRoles(admin, admin.id, ["USER"]);
    expect([self.status, self.body.code]).toEqual([403, "self_role_change"]);
    const denied = await t.call(`/internal/v1/audit?type=role_change&userId=${user.id}`, { assertion: root });
    expect((denied.body.events as { outcome: string }[]).map((e) => e.outcome)).toEqual([
      "denied",
      "success",
    ]);
  });

  it("refuses an ADMIN acting on another ADMIN or a SUPER_ADMIN", async () => {
    const a = await userWithRoles(["ADMIN"]);
    const b = await userWithRoles(["ADMIN"]);
    expect((await setRoles(a, b.id, ["USER"])).body.code).toBe("target_outranks_actor");
    expect((await setRoles(a, root.id, ["USER"])).body.code).toBe("target_outranks_actor");
    const lock = await t.call(`/internal/v1/users/${root.id}/lock`, { body: { reason: "x" }, assertion: a });
    expect([lock.status, lock.body.code]).toEqual([403, "target_outranks_actor"]);
  });

  it("refuses callers whose assertion lacks the permission (USER, NODE_OPERATOR)", async () => {
    const op = await userWithRoles(["NODE_OPERATOR"]);
    const res = await setRoles(op, op.id, ["ADMIN"]);
    expect([res.status, res.body.code]).toEqual([403, "forbidden"]);
    const list = await t.call("/internal/v1/users", { assertion: { sub: op.id, roles: ["USER"] } });
    expect(list.status).toBe(403);
  });

  it("uses the actor's stored roles, not the token's: a demoted admin loses power at once", async () => {
    const admin = await userWithRoles(["ADMIN"]);
    const victim = await userWithRoles(["USER"]);
    expect((await setRoles(root, admin.id, ["USER"])).status).toBe(200);
    const stale = await setRoles({ ...admin, roles: ["ADMIN"] }, victim.id, ["NODE_OPERATOR"]);
    // Stored as USER now, the former admin ranks no higher than the target.
    expect([stale.status, stale.body.code]).toEqual([403, "target_outranks_actor"]);
    const ghost = await setRoles(
      { id: "usr_ghost", sub: "usr_ghost", roles: ["SUPER_ADMIN"], wallet: newWallet() },
      victim.id,
      ["ADMIN"],
    );
    expect([ghost.status, ghost.body.code]).toEqual([403, "forbidden"]);
  });

  async function twoSuperAdmins(run: (t2: TestBridge, a: Actor, b: Actor) => Promise<void>) {
    const [wa, wb] = [newWallet(), newWallet()];
    const local = await startTestBridge({ BOOTSTRAP_SUPER_ADMIN_ADDRESS: `${wa.address},${wb.address}` });
    try {
      await run(local, await local.actorFor(wa), await local.actorFor(wb));
    } finally {
      await local.stop();
    }
  }

  const activeSuperAdmins = async (local: TestBridge, viewer: Actor) => {
    const res = await local.call("/internal/v1/users?role=SUPER_ADMIN", { assertion: viewer });
    return (res.body.users as { status: string }[]).filter((u) => u.status === "active").length;
  };

  it("keeps one SUPER_ADMIN when two demote each other at the same time", async () => {
    await twoSuperAdmins(async (local, a, b) => {
      expect([a.roles, b.roles]).toEqual([["SUPER_ADMIN"], ["SUPER_ADMIN"]]);
      const demote = (actor: Actor, target: Actor) =>
        local.call(`/internal/v1/users/${target.id}/roles`, {
          method: "PUT",
          body: { roles: ["ADMIN"] },
          assertion: actor,
        });
      const results = await Promise.all([demote(a, b), demote(b, a)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
      const winner = results[0]?.status === 200 ? a : b;
      expect(await activeSuperAdmins(local, winner)).toBe(1);
    });
  });

  it("keeps one SUPER_ADMIN when two lock each other at the same time, and the locked one cannot act", async () => {
    await twoSuperAdmins(async (local, a, b) => {
      const lock = (actor: Actor, target: Actor) =>
        local.call(`/internal/v1/users/${target.id}/lock`, {
          body: { reason: "handover" },
          assertion: actor,
        });
      const results = await Promise.all([lock(a, b), lock(b, a)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
      const [winner, loser] = results[0]?.status === 200 ? [a, b] : [b, a];
      expect(await activeSuperAdmins(local, winner)).toBe(1);
      const retry = await lock(loser, winner);
      expect([retry.status, retry.body.code]).toEqual([403, "forbidden"]);
      const self = await lock(winner, winner);
      expect(self.body.code).toBe("self_role_change");
      expect((await local.login(loser.wallet)).status).toBe(423);
    });
  });
});

describe("listing and lookup", () => {
  it("pages through users by role with an opaque cursor, no duplicates, no gaps", async () => {
    const ops = await Promise.all(Array.from({ length: 5 }, () => userWithRoles(["NODE_OPERATOR"])));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const res = await t.call(`/internal/v1/users?role=NODE_OPERATOR&limit=2${q}`, { assertion: root });
      expect(res.status).toBe(200);
      const users = res.body.users as { id: string; roles: string[] }[];
      expect(users.length).toBeLessThanOrEqual(2);
      for (const u of users) expect(u.roles).toContain("NODE_OPERATOR");
      seen.push(...users.map((u) => u.id));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const op of ops) expect(seen).toContain(op.id);
  });

  it("finds by id; unknown ones are 404, malformed ones 400", async () => {
    const w = newWallet();
    const u = await t.actorFor(w);
    const byId = await t.call(`/internal/v1/users/${u.id}`, { assertion: root });
    expect((byId.body.user as { address: string }).address).toBe(w.address);
    expect((await t.call(`/internal/v1/users/usr_${"0".repeat(32)}`, { assertion: root })).status).toBe(404);
    expect((await t.call("/internal/v1/users/not-an-id", { assertion: root })).status).toBe(400);
    const badCursor = await t.call("/internal/v1/users?cursor=%%%", { assertion: root });
    expect([badCursor.status, badCursor.body.code]).toEqual([400, "validation_failed"]);
    const badRole = await t.call("/internal/v1/users?role=GOD", { assertion: root });
    expect(badRole.status).toBe(400);
  });

  it("refuses a lock that ends in the past", async () => {
    const u = await userWithRoles(["USER"]);
    const res = await t.call(`/internal/v1/users/${u.id}/lock`, {
      body: { reason: "x", until: "2000-01-01T00:00:00Z" },
      assertion: root,
    });
    expect([res.status, res.body.code]).toEqual([400, "validation_failed"]);
  });
});

describe("the session's own user (GET /internal/v1/session-user)", () => {
  it("answers the assertion subject's current roles and status, whatever roles the assertion claims", async () => {
    const op = await userWithRoles(["NODE_OPERATOR"]);
    const res = await t.call("/internal/v1/session-user", { assertion: { sub: op.id, roles: ["USER"] } });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: op.id, roles: ["NODE_OPERATOR"], status: "active" });
    expect((await setRoles(root, op.id, ["USER"])).status).toBe(200);
    const after = await t.call("/internal/v1/session-user", {
      assertion: { sub: op.id, roles: ["NODE_OPERATOR"] },
    });
    expect(after.body.user).toMatchObject({ roles: ["USER"] });
    const lock = await t.call(`/internal/v1/users/${op.id}/lock`, { body: { reason: "x" }, assertion: root });
    expect(lock.status).toBe(200);
    const locked = await t.call("/internal/v1/session-user", { assertion: { sub: op.id, roles: ["USER"] } });
    expect(locked.body.user).toMatchObject({ status: "locked" });
  });

  it("answers 404 for an unknown or anonymous subject, and 403 without a role", async () => {
    for (const sub of ["anonymous", `usr_${"0".repeat(32)}`]) {
      const res = await t.call("/internal/v1/session-user", { assertion: { sub, roles: ["USER"] } });
      expect([res.status, res.body.code]).toEqual([404, "not_found"]);
    }
    const none = await t.call("/internal/v1/session-user", { assertion: { sub: root.id, roles: [] } });
    expect(none.status).toBe(403);
  });
});
