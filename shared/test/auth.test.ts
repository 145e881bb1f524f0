import { describe, expect, it } from "vitest";
import {
  can,
  canChangeStatus,
  canGrant,
  PERMISSIONS,
  permissionsOf,
  ROLES,
  type Role,
} from "../src/auth/index.ts";

// Written out by hand: the test does not derive its expectations from the implementation.
const EXPECTED: Record<Role, string[]> = {
  USER: ["profile:read", "sessions:read", "sessions:revoke"],
  NODE_OPERATOR: [
    "profile:read",
    "sessions:read",
    "sessions:revoke",
    "node:read",
    "node:operate",
    "wallet:read",
  ],
  ADMIN: [
    "profile:read",
    "sessions:read",
    "sessions:revoke",
    "node:read",
    "node:operate",
    "wallet:read",
    "users:read",
    "users:lock",
    "roles:grant",
    "audit:read",
    "wallet:sign",
  ],
  SUPER_ADMIN: [
    "profile:read",
    "sessions:read",
    "sessions:revoke",
    "node:read",
    "node:operate",
    "wallet:read",
    "users:read",
    "users:lock",
    "roles:grant",
    "audit:read",
    "wallet:sign",
    "lockdown:manage",
    "admins:grant",
  ],
};

describe("permission table", () => {
  for (const role of ROLES) {
    for (const permission of PERMISSIONS) {
      it(`${role} ${EXPECTED[role].includes(permission) ? "has" : "lacks"} ${permission}`, () => {
        expect(can([role], permission)).toBe(EXPECTED[role].includes(permission));
      });
    }
  }
  it("PERMISSIONS lists every permission of the table once", () => {
    expect([...PERMISSIONS].sort()).toEqual([...EXPECTED.SUPER_ADMIN].sort());
  });

  it("a user holds a permission when any of their roles does", () => {
    expect(can(["USER", "ADMIN"], "users:read")).toBe(true);
    expect(can(["ADMIN", "USER"], "wallet:sign")).toBe(true);
    expect(can([], "profile:read")).toBe(false);
  });

  it("permissionsOf is the sorted union", () => {
    expect(permissionsOf(["USER", "NODE_OPERATOR"])).toEqual([...EXPECTED.NODE_OPERATOR].sort());
    expect(permissionsOf([])).toEqual([]);
  });
});

describe("grant rules", () => {
  const base = { actorId: "a", targetId: "t", superAdminCount: 2 };
  it.each([
    ["SUPER_ADMIN grants ADMIN", ["SUPER_ADMIN"], ["USER"], ["ADMIN"], "ok"],
    ["SUPER_ADMIN cannot grant SUPER_ADMIN", ["SUPER_ADMIN"], ["USER"], ["SUPER_ADMIN"], "grant_not_allowed"],
    ["ADMIN grants NODE_OPERATOR", ["ADMIN"], ["USER"], ["NODE_OPERATOR"], "ok"],
    ["ADMIN cannot grant ADMIN", ["ADMIN"], ["USER"], ["ADMIN"], "grant_not_allowed"],
    ["ADMIN cannot demote ADMIN", ["ADMIN"], ["ADMIN"], ["USER"], "target_outranks_actor"],
    ["USER cannot act on a USER", ["USER"], ["USER"], ["NODE_OPERATOR"], "target_outranks_actor"],
    [
      "NODE_OPERATOR cannot grant NODE_OPERATOR",
      ["NODE_OPERATOR"],
      ["USER"],
      ["NODE_OPERATOR"],
      "grant_not_allowed",
    ],
    ["SUPER_ADMIN demotes another SUPER_ADMIN", ["SUPER_ADMIN"], ["SUPER_ADMIN"], ["ADMIN"], "ok"],
  ] as const)("%s", (_n, actorRoles, targetCurrentRoles, newRoles, code) => {
    const v = canGrant({ ...base, actorRoles, targetCurrentRoles, newRoles });
    expect(v.ok ? "ok" : v.code).toBe(code);
  });

  it("refuses self changes, even for SUPER_ADMIN", () => {
    const v = canGrant({
      ...base,
      targetId: "a",
      actorRoles: ["SUPER_ADMIN"],
      targetCurrentRoles: ["SUPER_ADMIN"],
      newRoles: ["USER"],
    });
    expect(v.ok ? "ok" : v.code).toBe("self_role_change");
  });

  it("keeps the last SUPER_ADMIN", () => {
    const v = canGrant({
      ...base,
      superAdminCount: 1,
      actorRoles: ["SUPER_ADMIN"],
      targetCurrentRoles: ["SUPER_ADMIN"],
      newRoles: ["ADMIN"],
    });
    expect(v.ok ? "ok" : v.code).toBe("last_super_admin");
    const lock = canChangeStatus({
      ...base,
      action: "lock",
      superAdminCount: 1,
      actorRoles: ["SUPER_ADMIN"],
      targetRoles: ["SUPER_ADMIN"],
    });
    expect(lock.ok ? "ok" : lock.code).toBe("last_super_admin");
    const unlock = canChangeStatus({
      ...base,
      action: "unlock",
      superAdminCount: 0,
      actorRoles: ["SUPER_ADMIN"],
      targetRoles: ["SUPER_ADMIN"],
    });
    expect(unlock.ok).toBe(true);
  });

  it("nobody below SUPER_ADMIN acts on a SUPER_ADMIN", () => {
    for (const actorRoles of [["ADMIN"], ["NODE_OPERATOR", "ADMIN"]] as const) {
      const grant = canGrant({
        ...base,
        actorRoles,
        targetCurrentRoles: ["SUPER_ADMIN"],
        newRoles: ["USER"],
      });
      expect(grant.ok ? "ok" : grant.code).toBe("target_outranks_actor");
      const lock = canChangeStatus({ ...base, action: "lock", actorRoles, targetRoles: ["SUPER_ADMIN"] });
      expect(lock.ok ? "ok" : lock.code).toBe("target_outranks_actor");
    }
  });

  it("refuses a grant when any added role is at or above the actor's, and judges only added roles", () => {
    const mixed = canGrant({
      ...base,
      actorRoles: ["ADMIN"],
      targetCurrentRoles: ["USER"],
      newRoles: ["NODE_OPERATOR", "ADMIN"],
    });
    expect(mixed.ok ? "ok" : mixed.code).toBe("grant_not_allowed");
    // A SUPER_ADMIN changing another SUPER_ADMIN's other roles keeps, not grants, SUPER_ADMIN.
    const keeps = canGrant({
      ...base,
      superAdminCount: 1,
      actorRoles: ["SUPER_ADMIN"],
      targetCurrentRoles: ["SUPER_ADMIN"],
      newRoles: ["SUPER_ADMIN", "ADMIN"],
    });
    expect(keeps).toEqual({ ok: true });
  });

  it("counts the last SUPER_ADMIN only when the target is one", () => {
    const v = canGrant({
      ...base,
      superAdminCount: 1,
      actorRoles: ["SUPER_ADMIN"],
      targetCurrentRoles: ["USER"],
      newRoles: ["ADMIN"],
    });
    expect(v).toEqual({ ok: true });
    for (const action of ["lock", "disable"] as const) {
      const two = canChangeStatus({
        ...base,
        action,
        actorRoles: ["SUPER_ADMIN"],
        targetRoles: ["SUPER_ADMIN"],
      });
      expect(two).toEqual({ ok: true });
      const last = canChangeStatus({
        ...base,
        action,
        superAdminCount: 1,
        actorRoles: ["SUPER_ADMIN"],
        targetRoles: ["SUPER_ADMIN"],
      });
      expect(last.ok ? "ok" : last.code).toBe("last_super_admin");
    }
  });

  it("explains every refusal in a sentence (the admin console shows it)", () => {
    const refusals = [
      canGrant({ ...base, targetId: "a", actorRoles: ["ADMIN"], targetCurrentRoles: ["USER"], newRoles: [] }),
      canGrant({ ...base, actorRoles: ["ADMIN"], targetCurrentRoles: ["ADMIN"], newRoles: [] }),
      canGrant({ ...base, actorRoles: ["ADMIN"], targetCurrentRoles: ["USER"], newRoles: ["ADMIN"] }),
      canGrant({
        ...base,
        superAdminCount: 1,
        actorRoles: ["SUPER_ADMIN"],
        targetCurrentRoles: ["SUPER_ADMIN"],
        newRoles: [],
      }),
      canChangeStatus({
        ...base,
        action: "disable",
        superAdminCount: 1,
        actorRoles: ["SUPER_ADMIN"],
        targetRoles: ["SUPER_ADMIN"],
      }),
    ];
    expect(refusals.map((v) => (v.ok ? "ok" : v.code))).toEqual([
      "self_role_change",
      "target_outranks_actor",
      "grant_not_allowed",
      "last_super_admin",
      "last_super_admin",
    ]);
    for (const v of refusals) expect(v.ok ? "" : v.reason).toMatch(/^[A-Z].{10,}\.$/);
  });

  it("an ADMIN cannot lock another ADMIN", () => {
    const v = canChangeStatus({ ...base, action: "lock", actorRoles: ["ADMIN"], targetRoles: ["ADMIN"] });
    expect(v.ok ? "ok" : v.code).toBe("target_outranks_actor");
  });
});
