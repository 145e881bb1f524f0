import type { Role } from "@tron-auth/shared/auth";

export type UserStatus = "active" | "locked" | "disabled";

export type UserLock = { reason: string; until: Date | null; by: string; at: Date };

export type User = {
  id: string;
  address: string;
  roles: Role[];
  status: UserStatus;
  lock: UserLock | null;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
};

/** A lock with an `until` in the past has lapsed: the user is active again without a write. */
export function effectiveStatus(user: Pick<User, "status" | "lock">, now: Date): UserStatus {
  if (user.status === "locked" && user.lock?.until && user.lock.until <= now) return "active";
  return user.status;
}

/** The shape that crosses the wire to the worker (dates as ISO strings). */
export function toPublicUser(user: User, now: Date) {
  return {
    id: user.id,
    address: user.address,
    roles: user.roles,
    status: effectiveStatus(user, now),
    lock:
      user.lock && effectiveStatus(user, now) === "locked"
        ? { reason: user.lock.reason, until: user.lock.until?.toISOString() ?? null }
        : null,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}

export type PublicUser = ReturnType<typeof toPublicUser>;
