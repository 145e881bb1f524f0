import * as z from "zod/mini";

/** Ordered lowest to highest; each role has the permissions of those below it. */
export const ROLES = ["USER", "NODE_OPERATOR", "ADMIN", "SUPER_ADMIN"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** -1 for no roles, so a user without roles outranks nobody. */
export function highestRank(roles: readonly Role[]): number {
  return roles.reduce((max, r) => Math.max(max, roleRank(r)), -1);
}
