import { ROLES, type Role, roleRank } from "./roles.ts";

/**
 * The one permission table: worker, bridge and docs all read it. Each role lists only what it
 * adds; effective sets are derived by inheritance. Signing is ADMIN and up: USER and
 * NODE_OPERATOR may see the wallet but never make it sign.
 */
export const ROLE_GRANTS = {
  USER: ["profile:read", "sessions:read", "sessions:revoke"],
  NODE_OPERATOR: ["node:read", "node:operate", "wallet:read"],
  ADMIN: ["users:read", "users:lock", "roles:grant", "audit:read", "wallet:sign"],
  SUPER_ADMIN: ["lockdown:manage", "admins:grant"],
} as const satisfies Record<Role, readonly string[]>;

export type Permission = (typeof ROLE_GRANTS)[Role][number];

export const PERMISSIONS: readonly Permission[] = ROLES.flatMap((r) => [...ROLE_GRANTS[r]]);

function ownAndInherited(role: Role): Permission[] {
  return ROLES.filter((r) => roleRank(r) <= roleRank(role)).flatMap((r) => [...ROLE_GRANTS[r]]);
}

export function permissionsOf(roles: readonly Role[]): Permission[] {
  return [...new Set(roles.flatMap(ownAndInherited))].sort();
}

export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => ownAndInherited(role).includes(permission));
}
