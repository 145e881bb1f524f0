import { type Role, roleSchema } from "@tron-auth/shared/auth";
import { jktSchema } from "@tron-auth/shared/dpop";
import * as z from "zod/mini";
import type { MacRing } from "./record-mac.ts";
import { storedJson } from "./stored-json.ts";

/**
 * Every field of a session hash, in the order its MAC covers them. All of them are covered: a
 * field left out would be one an attacker with Redis write access could change unnoticed.
 * `rh`/`ph`/`pat` are the current and previous refresh-token hashes and when it last rotated;
 * `rat` is the roles clock value read before `roles` was fetched from the bridge (role-changes.ts).
 */
export const SESSION_FIELDS = [
  "uid",
  "addr",
  "roles",
  "ip",
  "ua",
  "createdAt",
  "lastUsedAt",
  "loginAt",
  "absExp",
  "rh",
  "ph",
  "pat",
  "rat",
] as const;
/**
 * The thumbprint of the key a DPoP-bound session is bound to. Absent (not empty) on bearer
 * sessions, and covered by the MAC only when present: records written before binding existed keep
 * verifying, and adding, changing or removing a binding still breaks the MAC (the covered list
 * changes length or content).
 */
export const BINDING_FIELD = "jkt";
export const MAC_FIELD = "mac";
/** What the read scripts fetch: the covered fields, the binding, then the MAC. */
export const READ_FIELDS = [...SESSION_FIELDS, BINDING_FIELD, MAC_FIELD];

export type StoredSession = Record<(typeof SESSION_FIELDS)[number], string> & { jkt?: string | undefined };

export type SessionRecord = {
  sid: string;
  userId: string;
  address: string;
  roles: Role[];
  ip: string;
  userAgent: string;
  createdAt: number;
  lastUsedAt: number;
  loginAt: number;
  absoluteExpiry: number;
  /** The roles clock value read before `roles` was fetched from the bridge. */
  rolesAsOf: number;
  /** DPoP: the thumbprint of the key the session is bound to; undefined for a bearer session. */
  jkt: string | undefined;
};

/** A record as read: its parsed view, the exact stored strings and their MAC (for compare-and-set). */
export type VerifiedSession = { record: SessionRecord; stored: StoredSession; mac: string };

export type ReadOutcome =
  | { state: "live"; session: VerifiedSession }
  | { state: "absent" }
  /** Present but its MAC fails (or it does not parse): someone other than the worker wrote it. */
  | { state: "tampered" };

/** Domain-separated and versioned, so a MAC of another structure (or version) never verifies here. */
const MAC_CONTEXT = "tron-auth/session-record/v1";

function macInput(sid: string, stored: StoredSession): string {
  const binding = stored.jkt === undefined ? [] : [stored.jkt];
  return JSON.stringify([MAC_CONTEXT, sid, ...SESSION_FIELDS.map((f) => stored[f]), ...binding]);
}

export function macOf(ring: MacRing, sid: string, stored: StoredSession): Promise<string> {
  return ring.sign(macInput(sid, stored));
}

/** The hash as HSET arguments: covered fields, then the MAC. */
export function hashArgs(stored: StoredSession, mac: string): string[] {
  const binding = stored.jkt === undefined ? [] : [BINDING_FIELD, stored.jkt];
  return [...SESSION_FIELDS.flatMap((f) => [f, stored[f]]), ...binding, MAC_FIELD, mac];
}

const storedValues = z.array(z.union([z.string(), z.literal(false), z.null()]));
const digits = z.string().check(z.regex(/^[0-9]{1,16}$/));
const roleList = z.array(roleSchema);
const storedSchema = z.object({
  uid: z.string().check(z.minLength(1)),
  addr: z.string(),
  roles: z.string(),
  ip: z.string(),
  ua: z.string(),
  createdAt: digits,
  lastUsedAt: digits,
  loginAt: digits,
  absExp: digits,
  rh: z.string(),
  ph: z.string(),
  pat: digits,
  rat: digits,
  jkt: z.optional(jktSchema),
});

/**
 * Reads what a read script returned (HMGET of READ_FIELDS, JSON-encoded in Lua so the client's
 * automatic deserialisation cannot reinterpret a value) and checks the MAC. Nothing about a
 * record is believed before its MAC verifies.
 */
export async function verifySession(ring: MacRing, sid: string, raw: unknown): Promise<ReadOutcome> {
  const values = storedValues.safeParse(decodeScriptJson(raw));
  if (!values.success || values.data.length !== READ_FIELDS.length) return { state: "tampered" };
  if (values.data.every((v) => v === false || v === null)) return { state: "absent" };
  // A missing field reads as false (or null); only the optional binding may be missing.
  const byName = Object.fromEntries(
    READ_FIELDS.flatMap((f, i) => {
      const value = values.data[i];
      return value === false || value === null ? [] : [[f, value]];
    }),
  );
  const mac = byName[MAC_FIELD];
  const parsed = storedSchema.safeParse(byName);
  if (typeof mac !== "string" || !parsed.success) return { state: "tampered" };
  const roles = roleList.safeParse(storedJson(parsed.data.roles));
  if (!roles.success) return { state: "tampered" };
  if (!(await ring.verify(macInput(sid, parsed.data), mac))) return { state: "tampered" };
  return {
    state: "live",
    session: { record: toRecord(sid, parsed.data, roles.data), stored: parsed.data, mac },
  };
}

function toRecord(sid: string, s: StoredSession, roles: Role[]): SessionRecord {
  return {
    sid,
    userId: s.uid,
    address: s.addr,
    roles,
    ip: s.ip,
    userAgent: s.ua,
    createdAt: Number(s.createdAt),
    lastUsedAt: Number(s.lastUsedAt),
    loginAt: Number(s.loginAt),
    absoluteExpiry: Number(s.absExp),
    rolesAsOf: Number(s.rat),
    jkt: s.jkt,
  };
}

/** A script's cjson reply: a string, or already decoded by the client's automatic deserialisation. */
export function decodeScriptJson(raw: unknown): unknown {
  return typeof raw === "string" ? storedJson(raw) : raw;
}
