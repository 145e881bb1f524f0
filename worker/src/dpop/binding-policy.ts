import type { Role } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import type { Settings } from "../platform/config.ts";

/**
 * Whether a session with `roles` must be bound to a key (DPOP_REQUIRED), or the route demands it
 * regardless (wallet signing). Roles are the session's current ones, so a bearer session whose
 * user was promoted to ADMIN loses its privileged reach at the next request.
 */
export function bindingRequired(
  setting: Settings["DPOP_REQUIRED"],
  roles: readonly Role[],
  routeDemands = false,
): boolean {
  if (routeDemands || setting === "all") return true;
  return setting === "privileged" && (roles.includes("ADMIN") || roles.includes("SUPER_ADMIN"));
}

export function bindingMissing(why: string): AppError {
  return new AppError(
    "dpop_required",
    `${why} Sign in again with a DPoP proof (Authorization: DPoP, and a DPoP header on every request).`,
  );
}
