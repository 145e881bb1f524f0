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

  it("an ADMIN cannot lock another ADMIN", () => {
    const v = canChangeStatus({ ...base, action: "lock", actorRoles: ["ADMIN"], targetRoles: ["ADMIN"] });
    expect(v.ok ? "ok" : v.code).toBe("target_outranks_actor");
  });
});
