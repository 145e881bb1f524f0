/**
 * Who the fuzzer is, per operation (stack/fuzz/hooks.py reads this plan): each operation is called
 * as the lowest of the fuzz run's roles that holds its permission, read from the served OpenAPI
 * document (`x-permission`, `security: []` for public operations), so a route added tomorrow is
 * fuzzed as the right role without a change here.
 */

import type { Wallet } from "@tron-auth/bridge/testing/wallet";
import { can, type Permission, type Role } from "@tron-auth/shared/auth";

/** The roles the fuzz run holds sessions for, lowest first. */
export const FUZZ_ROLES = ["USER", "ADMIN", "SUPER_ADMIN"] as const satisfies readonly Role[];
export type FuzzRole = (typeof FUZZ_ROLES)[number];

/**
 * Operations that end the session they are called with: each call gets a session of its own
 * (hooks.py), or the rest of the run would go on with an ended one.
 */
export const SESSION_ENDING = ["POST /v1/auth/logout", "DELETE /v1/auth/sessions/{id}"];

/**
 * Ends every session but the caller's, the fuzzer's other roles included, and freezes signing:
 * fuzzed in a run of its own, after the main one, and lifted afterwards.
 */
export const LOCKDOWN_PATH = "/v1/admin/lockdown";

export type FuzzPlan = {
  base: string;
  /** The role each operation is called as ("METHOD /path"); absent: public, no session. */
  roles: Record<string, FuzzRole>;
  /** Keys of the fixed-role users; a USER is a new key at every sign-in. */
  keys: Partial<Record<FuzzRole, string>>;
  sessionEnding: string[];
};

type Operation = { security?: unknown[]; "x-permission"?: Permission };
type OpenApi = { paths: Record<string, Record<string, Operation>> };

export function rolesFor(doc: OpenApi): Record<string, FuzzRole> {
  const roles: Record<string, FuzzRole> = {};
  for (const [path, operations] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(operations)) {
      if (Array.isArray(op.security) && op.security.length === 0) continue;
      const permission = op["x-permission"];
      const role = permission ? FUZZ_ROLES.find((r) => can([r], permission)) : "USER";
      if (!role) throw new Error(`${method} ${path}: no fuzz role holds ${permission}`);
      roles[`${method.toUpperCase()} ${path}`] = role;
    }
  return roles;
}

export function fuzzPlan(base: string, doc: OpenApi, keys: { admin: Wallet; superAdmin: Wallet }): FuzzPlan {
  return {
    base,
    roles: rolesFor(doc),
    keys: { ADMIN: keys.admin.privateKey, SUPER_ADMIN: keys.superAdmin.privateKey },
    sessionEnding: SESSION_ENDING,
  };
}
