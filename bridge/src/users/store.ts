import type { Role } from "@tron-auth/shared/auth";
import type { Collection, Db, Filter, IndexDescription } from "mongodb";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../db/cursor.ts";
import { newId } from "../db/ids.ts";
import { ensureIndexes, isDuplicateKeyError } from "../db/mongo.ts";
import type { User, UserLock, UserStatus } from "./user.ts";

type UserDoc = Omit<User, "id"> & { _id: string };

export type UserPage = { users: User[]; nextCursor: string | null };

const cursorSchema = z.object({ id: z.string().max(64) });

/** One user per address; role listings page by id. */
const USER_INDEXES: IndexDescription[] = [
  { key: { address: 1 }, unique: true, name: "address_unique" },
  { key: { roles: 1, _id: 1 } },
];

export class UserStore {
  readonly #users: Collection<UserDoc>;

  constructor(db: Db) {
    this.#users = db.collection<UserDoc>("users");
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#users, USER_INDEXES);
  }

  /**
   * One round trip for a login: stamps lastLoginAt on a user who may sign in (active, or locked
   * with a lapsed lock) or creates the user on first login (USER, or SUPER_ADMIN for a configured
   * bootstrap address). A user who may not sign in is returned as `refused`, untouched: the check
   * and the stamp are one atomic update, so a lock that lands meanwhile is never stamped over.
   * When the user exists but does not match, the upsert meets the unique address index; so does
   * the loser of two racing first logins, which then stamps the winner's record.
   */
  async recordLogin(
    address: string,
    now: Date,
    bootstrap: readonly string[] = [],
  ): Promise<{ ok: true; user: User } | { ok: false; refused: User }> {
    const initialRoles: Role[] = bootstrap.includes(address) ? ["SUPER_ADMIN"] : ["USER"];
    const mayLogin: Filter<UserDoc> = {
      address,
      $or: [{ status: "active" }, { status: "locked", "lock.until": { $lte: now } }],
    };
    const stamp = { $set: { lastLoginAt: now, updatedAt: now } };
    try {
      const doc = await this.#users.findOneAndUpdate(
        mayLogin,
        {
          ...stamp,
          $setOnInsert: {
            _id: newId("usr", now.getTime()),
            address,
            roles: initialRoles,
            status: "active" as const,
            lock: null,
            createdAt: now,
          },
        },
        { upsert: true, returnDocument: "after" },
      );
      if (doc) return { ok: true, user: toUser(doc) };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const doc = await this.#users.findOneAndUpdate(mayLogin, stamp, { returnDocument: "after" });
    if (doc) return { ok: true, user: toUser(doc) };
    const refused = await this.findByAddress(address);
    if (!refused) throw new Error("user vanished during login");
    return { ok: false, refused };
  }

  async findById(id: string): Promise<User | null> {
    const doc = await this.#users.findOne({ _id: id });
    return doc ? toUser(doc) : null;
  }

  async findByAddress(address: string): Promise<User | null> {
    const doc = await this.#users.findOne({ address });
    return doc ? toUser(doc) : null;
  }

  async list(query: { role?: Role; cursor?: string; limit: number }): Promise<UserPage> {
    const filter: Filter<UserDoc> = {};
    if (query.role) filter.roles = query.role;
    if (query.cursor) filter._id = { $gt: decodeCursor(query.cursor, cursorSchema).id };
    const docs = await this.#users
      .find(filter)
      .sort({ _id: 1 })
      .limit(query.limit + 1)
      .toArray();
    const users = docs.slice(0, query.limit).map(toUser);
    const last = users.at(-1);
    return { users, nextCursor: docs.length > query.limit && last ? encodeCursor({ id: last.id }) : null };
  }

  /** SUPER_ADMINs who can still act: the "last SUPER_ADMIN" rule counts these. */
  async countActiveSuperAdmins(now: Date): Promise<number> {
    return this.#users.countDocuments({
      roles: "SUPER_ADMIN",
      $or: [{ status: "active" }, { status: "locked", "lock.until": { $lte: now } }],
    });
  }

  async setRoles(id: string, roles: Role[], now: Date): Promise<User | null> {
    const doc = await this.#users.findOneAndUpdate(
      { _id: id },
      { $set: { roles, updatedAt: now } },
      { returnDocument: "after" },
    );
    return doc ? toUser(doc) : null;
  }

  async setStatus(id: string, status: UserStatus, lock: UserLock | null, now: Date): Promise<User | null> {
    const doc = await this.#users.findOneAndUpdate(
      { _id: id },
      { $set: { status, lock, updatedAt: now } },
      { returnDocument: "after" },
    );
    return doc ? toUser(doc) : null;
  }
}

function toUser({ _id, ...rest }: UserDoc): User {
  return { id: _id, ...rest };
}
