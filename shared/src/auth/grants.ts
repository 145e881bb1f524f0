import { highestRank, type Role, roleRank } from "./roles.ts";

export type Verdict =
  | { ok: true }
  | {
      ok: false;
      code: "self_role_change" | "grant_not_allowed" | "target_outranks_actor" | "last_super_admin";
      reason: string;
    };

const SUPER = roleRank("SUPER_ADMIN");

/**
 * Who may act on whom: nobody acts on themselves; a target must rank below the actor, except
 * that a SUPER_ADMIN may act on another SUPER_ADMIN (otherwise a compromised one could never be
 * removed); and the last SUPER_ADMIN always stays.
 */
function mayActOn(
  actorRoles: readonly Role[],
  actorId: string,
  targetId: string,
  targetRoles: readonly Role[],
): Verdict {
  if (actorId === targetId)
    return { ok: false, code: "self_role_change", reason: "Nobody changes their own roles or status." };
  const actor = highestRank(actorRoles);
  const target = highestRank(targetRoles);
  if (target >= actor && !(actor === SUPER && target === SUPER)) {
    return { ok: false, code: "target_outranks_actor", reason: "The target ranks at or above you." };
  }
  return { ok: true };
}

export type GrantRequest = {
  actorRoles: readonly Role[];
  actorId: string;
  targetId: string;
  targetCurrentRoles: readonly Role[];
  newRoles: readonly Role[];
  superAdminCount: number;
};

/**
 * Nobody grants a role at or above their own: SUPER_ADMIN may grant up to ADMIN, ADMIN up to
 * NODE_OPERATOR. SUPER_ADMIN itself is never granted through the API; it comes from config.
 */
export function canGrant(req: GrantRequest): Verdict {
  const acting = mayActOn(req.actorRoles, req.actorId, req.targetId, req.targetCurrentRoles);
  if (!acting.ok) return acting;
  const actor = highestRank(req.actorRoles);
  const added = req.newRoles.filter((r) => !req.targetCurrentRoles.includes(r));
  if (added.some((r) => roleRank(r) >= actor)) {
    return { ok: false, code: "grant_not_allowed", reason: "You cannot grant a role at or above your own." };
  }
  const losesSuper = req.targetCurrentRoles.includes("SUPER_ADMIN") && !req.newRoles.includes("SUPER_ADMIN");
  if (losesSuper && req.superAdminCount <= 1) {
    return { ok: false, code: "last_super_admin", reason: "The last SUPER_ADMIN cannot be demoted." };
  }
  return { ok: true };
}

export type StatusRequest = {
  action: "lock" | "unlock" | "disable";
  actorRoles: readonly Role[];
  actorId: string;
  targetId: string;
  targetRoles: readonly Role[];
  superAdminCount: number;
};

export function canChangeStatus(req: StatusRequest): Verdict {
  const acting = mayActOn(req.actorRoles, req.actorId, req.targetId, req.targetRoles);
  if (!acting.ok) return acting;
  if (req.action !== "unlock" && req.targetRoles.includes("SUPER_ADMIN") && req.superAdminCount <= 1) {
    return {
      ok: false,
      code: "last_super_admin",
      reason: "The last SUPER_ADMIN cannot be locked or disabled.",
    };
  }
  return { ok: true };
}
