import { canChangeStatus, canGrant, type Role } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import type { AuditStore } from "../audit/store.ts";
import { newId } from "../db/ids.ts";
import { Mutex } from "../util/mutex.ts";
import type { UserStore } from "./store.ts";
import { effectiveStatus, type PublicUser, toPublicUser, type User } from "./user.ts";

export type Actor = { id: string; roles: Role[]; requestId: string };

export type LockRequest = { reason: string; until?: Date | undefined };

/** Role and status changes, with the grant rules enforced again here and every change audited. */
export class UserAdmin {
  readonly #users: UserStore;
  readonly #audit: AuditStore;
  readonly #now: () => Date;
  readonly #mutex = new Mutex();

  constructor(users: UserStore, audit: AuditStore, now: () => Date = () => new Date()) {
    this.#users = users;
    this.#audit = audit;
    this.#now = now;
  }

  setRoles(actor: Actor, targetId: string, roles: Role[]): Promise<PublicUser> {
    return this.#mutex.run(async () => {
      const now = this.#now();
      const actorRoles = await this.#currentRoles(actor, now);
      const target = await this.#require(targetId);
      const verdict = canGrant({
        actorRoles,
        actorId: actor.id,
        targetId,
        targetCurrentRoles: target.roles,
        newRoles: roles,
        superAdminCount: await this.#users.countActiveSuperAdmins(now),
      });
      if (!verdict.ok) {
        await this.#record(actor, "role_change", "denied", target, {
          from: target.roles,
          to: roles,
          reason: verdict.code,
        });
        throw new AppError(verdict.code, verdict.reason);
      }
      const updated = await this.#users.setRoles(targetId, [...new Set(roles)], now);
      if (!updated) throw new AppError("not_found", "No such user.");
      await this.#record(actor, "role_change", "success", target, { from: target.roles, to: updated.roles });
      return toPublicUser(updated, now);
    });
  }

  lock(actor: Actor, targetId: string, request: LockRequest): Promise<PublicUser> {
    return this.#changeStatus(actor, targetId, "user_lock", async (target, now) => {
      const lock = { reason: request.reason, until: request.until ?? null, by: actor.id, at: now };
      return this.#users.setStatus(target.id, "locked", lock, now);
    });
  }

  unlock(actor: Actor, targetId: string): Promise<PublicUser> {
    return this.#changeStatus(actor, targetId, "user_unlock", (target, now) =>
      this.#users.setStatus(target.id, "active", null, now),
    );
  }

  #changeStatus(
    actor: Actor,
    targetId: string,
    type: "user_lock" | "user_unlock",
    apply: (target: User, now: Date) => Promise<User | null>,
  ): Promise<PublicUser> {
    return this.#mutex.run(async () => {
      const now = this.#now();
      const actorRoles = await this.#currentRoles(actor, now);
      const target = await this.#require(targetId);
      const verdict = canChangeStatus({
        action: type === "user_lock" ? "lock" : "unlock",
        actorRoles,
        actorId: actor.id,
        targetId,
        targetRoles: target.roles,
        superAdminCount: await this.#users.countActiveSuperAdmins(now),
      });
      if (!verdict.ok) {
        await this.#record(actor, type, "denied", target, { reason: verdict.code });
        throw new AppError(verdict.code, verdict.reason);
      }
      const updated = await apply(target, now);
      if (!updated) throw new AppError("not_found", "No such user.");
      await this.#record(actor, type, "success", target, {});
      return toPublicUser(updated, now);
    });
  }

  /**
   * The actor's roles as stored now, not as the access token remembers them: a demoted or locked
   * admin loses power at once, and two SUPER_ADMINs demoting each other cannot both win.
   */
  async #currentRoles(actor: Actor, now: Date): Promise<Role[]> {
    const user = await this.#users.findById(actor.id);
    if (!user || effectiveStatus(user, now) !== "active") {
      throw new AppError("forbidden", "Your account cannot perform this action.");
    }
    return user.roles;
  }

  async #require(id: string): Promise<User> {
    const user = await this.#users.findById(id);
    if (!user) throw new AppError("not_found", "No such user.");
    return user;
  }

  #record(
    actor: Actor,
    type: string,
    outcome: "success" | "denied",
    target: User,
    details: Record<string, unknown>,
  ) {
    const at = this.#now();
    return this.#audit.record({
      id: newId("evt", at.getTime()),
      at,
      type,
      outcome,
      actor: { id: actor.id, roles: actor.roles },
      target: { type: "user", id: target.id },
      requestId: actor.requestId,
      details: { targetAddress: target.address, ...details },
    });
  }
}
