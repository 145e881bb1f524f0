import { AppError } from "@tron-auth/shared/problems";
import { base64url } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { endedByLockdown, formatEpoch } from "../src/sessions/epoch.ts";
import { open, seal } from "../src/sessions/grace-box.ts";
import {
  decodeScriptJson,
  hashArgs,
  MAC_FIELD,
  macOf,
  READ_FIELDS,
  SESSION_FIELDS,
  type StoredSession,
  verifySession,
} from "../src/sessions/record.ts";
import { type MacRing, macRingFrom } from "../src/sessions/record-mac.ts";

const key = (fill: number, bytes = 32) => base64url.encode(new Uint8Array(bytes).fill(fill));
const SID = "A".repeat(22);
const STORED: StoredSession = {
  uid: "user-1",
  addr: "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8",
  roles: JSON.stringify(["USER", "ADMIN"]),
  ip: "203.0.113.7",
  ua: "test-agent/1",
  createdAt: "1000",
  lastUsedAt: "2000",
  loginAt: "1000",
  absExp: "9000",
  rh: "hash-now",
  ph: "hash-before",
  pat: "1500",
  rat: "42",
};

let ring: MacRing;

/** What the read script returns for a stored hash: the READ_FIELDS values, cjson-encoded. */
async function scriptReply(
  stored: Record<string, string | false | undefined> = STORED,
  sid = SID,
  macRing = ring,
) {
  const mac = await macOf(macRing, sid, stored as StoredSession);
  // A field the hash lacks comes back as false (cjson's nil).
  return JSON.stringify(READ_FIELDS.map((f) => (f === MAC_FIELD ? mac : (stored[f] ?? false))));
}

beforeAll(async () => {
  ring = await macRingFrom(key(1));
});

describe("the session MAC ring (SESSION_MAC_KEY)", () => {
  it("signs with the first key and verifies with any key of the ring", async () => {
    const old = await macRingFrom(key(1));
    const rotated = await macRingFrom(`${key(2)}, ${key(1)}`);
    const byOld = await old.sign("data");
    expect(await rotated.verify("data", byOld)).toBe(true);
    expect(await rotated.sign("data")).not.toBe(byOld);
    expect(await old.verify("data", await rotated.sign("data"))).toBe(false);
    expect(await rotated.verify("data", await rotated.sign("data"))).toBe(true);
  });

  it("refuses another message, a changed MAC, and a MAC that is not base64url", async () => {
    const mac = await ring.sign("data");
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await ring.verify("datb", mac)).toBe(false);
    expect(await ring.verify("data", `${mac.slice(0, -2)}AA`)).toBe(false);
    expect(await ring.verify("data", "***")).toBe(false);
    expect(await ring.verify("data", "")).toBe(false);
  });

  it.each([
    ["unset", undefined],
    ["empty", ""],
    ["a key of 31 bytes", key(1, 31)],
    ["a key with padding", `${key(1)}=`],
    ["a key in base64 (not url)", `${key(1)}+/`],
    ["a key with base64 characters in front", `+/${key(1)}`],
    ["an empty entry", `${key(1)},`],
    ["nine keys", Array.from({ length: 9 }, (_, i) => key(i)).join(",")],
  ])("refuses %s as a 503 that names the setting, never the value", async (_, secret) => {
    const error = await macRingFrom(secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).problem.code).toBe("service_unavailable");
    expect((error as AppError).message).toContain("SESSION_MAC_KEY");
    expect((error as AppError).message).not.toContain(key(1));
  });

  it("accepts eight keys, and keys longer than 256 bits", async () => {
    const eight = await macRingFrom(Array.from({ length: 8 }, (_, i) => key(i + 10)).join(","));
    expect(await eight.verify("d", await (await macRingFrom(key(17))).sign("d"))).toBe(true);
    const long = await macRingFrom(key(3, 64));
    expect(await long.verify("d", await long.sign("d"))).toBe(true);
  });
});

describe("a session record read back from Redis", () => {
  it("is live when its MAC verifies, with every field parsed", async () => {
    const outcome = await verifySession(ring, SID, await scriptReply());
    expect(outcome).toEqual({
      state: "live",
      session: {
        stored: STORED,
        mac: await macOf(ring, SID, STORED),
        record: {
          sid: SID,
          userId: "user-1",
          address: STORED.addr,
          roles: ["USER", "ADMIN"],
          ip: "203.0.113.7",
          userAgent: "test-agent/1",
          createdAt: 1000,
          lastUsedAt: 2000,
          loginAt: 1000,
          absoluteExpiry: 9000,
          rolesAsOf: 42,
        },
      },
    });
  });

  it("is read from a reply the client already decoded, too", async () => {
    const decoded = JSON.parse(await scriptReply());
    expect((await verifySession(ring, SID, decoded)).state).toBe("live");
    expect(decodeScriptJson("[1]")).toEqual([1]);
    expect(decodeScriptJson([1])).toEqual([1]);
    expect(decodeScriptJson("{")).toBeUndefined();
  });

  it("is absent when no field exists (cjson false or null)", async () => {
    const nothing = READ_FIELDS.map(() => false);
    expect(await verifySession(ring, SID, JSON.stringify(nothing))).toEqual({ state: "absent" });
    expect(
      await verifySession(
        ring,
        SID,
        READ_FIELDS.map(() => null),
      ),
    ).toEqual({ state: "absent" });
  });

  it("is tampered when any covered field changes, the MAC is another session's, or the key is another", async () => {
    for (const field of SESSION_FIELDS) {
      const changed = { ...STORED, [field]: field === "roles" ? JSON.stringify(["SUPER_ADMIN"]) : "7" };
      if (changed[field] === STORED[field]) changed[field] = "8";
      const reply = JSON.parse(await scriptReply()) as string[];
      reply[READ_FIELDS.indexOf(field)] = changed[field];
      expect([field, (await verifySession(ring, SID, reply)).state]).toEqual([field, "tampered"]);
    }
    expect((await verifySession(ring, SID, await scriptReply(STORED, "B".repeat(22)))).state).toBe(
      "tampered",
    );
    const stranger = await macRingFrom(key(9));
    expect((await verifySession(ring, SID, await scriptReply(STORED, SID, stranger))).state).toBe("tampered");
  });

  it.each([
    ["not JSON", "{"],
    ["not an array", JSON.stringify({ uid: "user-1" })],
    ["one value short", "SHORT"],
    ["one value too many", "LONG"],
    ["a number among the values", "NUMBER"],
    ["the MAC missing", "NO_MAC"],
    ["a field missing", "NO_FIELD"],
    ["an empty uid", "EMPTY_UID"],
    ["a timestamp that is not digits", "BAD_TIME"],
    ["a timestamp of 17 digits", "LONG_TIME"],
    ["roles that are not JSON", "ROLES_TEXT"],
    ["an unknown role", "ROLES_UNKNOWN"],
  ])("is tampered with %s, even under a valid MAC", async (_, kind) => {
    const reply = JSON.parse(await scriptReply()) as unknown[];
    const signedWith = async (stored: Record<string, string | false | undefined>) =>
      JSON.parse(await scriptReply(stored)) as unknown[];
    const replies: Record<string, () => Promise<unknown>> = {
      SHORT: async () => reply.slice(1),
      LONG: async () => [...reply, "x"],
      NUMBER: async () => reply.map((v, i) => (i === 5 ? 1000 : v)),
      NO_MAC: async () => reply.map((v, i) => (i === READ_FIELDS.length - 1 ? false : v)),
      NO_FIELD: async () => signedWith({ ...STORED, ua: false }),
      EMPTY_UID: async () => signedWith({ ...STORED, uid: "" }),
      BAD_TIME: async () => signedWith({ ...STORED, loginAt: "1e3" }),
      LONG_TIME: async () => signedWith({ ...STORED, absExp: "1".repeat(17) }),
      ROLES_TEXT: async () => signedWith({ ...STORED, roles: "USER" }),
      ROLES_UNKNOWN: async () => signedWith({ ...STORED, roles: JSON.stringify(["ROOT"]) }),
    };
    const raw = kind in replies ? await replies[kind]?.() : kind;
    expect(await verifySession(ring, SID, raw)).toEqual({ state: "tampered" });
  });

  it("accepts 16-digit timestamps", async () => {
    const stored = { ...STORED, absExp: "9".repeat(16) };
    const outcome = await verifySession(ring, SID, await scriptReply(stored));
    expect(outcome.state === "live" && outcome.session.record.absoluteExpiry).toBe(Number("9".repeat(16)));
  });

  it("carries a DPoP binding under the MAC: removing, adding or changing it is tampering", async () => {
    const jkt = "K".repeat(43);
    const bound = { ...STORED, jkt };
    const outcome = await verifySession(ring, SID, await scriptReply(bound));
    expect(outcome.state === "live" && outcome.session.record.jkt).toBe(jkt);
    const unbound = await verifySession(ring, SID, await scriptReply());
    expect(unbound.state === "live" && unbound.session.record.jkt).toBeUndefined();
    const at = READ_FIELDS.indexOf("jkt");
    const removed = JSON.parse(await scriptReply(bound)) as unknown[];
    removed[at] = false;
    expect((await verifySession(ring, SID, removed)).state).toBe("tampered");
    const added = JSON.parse(await scriptReply()) as unknown[];
    added[at] = jkt;
    expect((await verifySession(ring, SID, added)).state).toBe("tampered");
    const changed = JSON.parse(await scriptReply(bound)) as unknown[];
    changed[at] = "L".repeat(43);
    expect((await verifySession(ring, SID, changed)).state).toBe("tampered");
    expect((await verifySession(ring, SID, await scriptReply({ ...STORED, jkt: "short" }))).state).toBe(
      "tampered",
    );
    // A missing binding may come back as null (decoded by the client) as well as false.
    const nullBinding = JSON.parse(await scriptReply()) as unknown[];
    nullBinding[at] = null;
    expect((await verifySession(ring, SID, nullBinding)).state).toBe("live");
    expect(hashArgs(bound, "m").slice(-4)).toEqual(["jkt", jkt, "mac", "m"]);
    expect(hashArgs(STORED, "m")).not.toContain("jkt");
  });

  it("is written as field, value pairs in the covered order, then the MAC", () => {
    expect(hashArgs(STORED, "m")).toEqual([...SESSION_FIELDS.flatMap((f) => [f, STORED[f]]), "mac", "m"]);
  });

  it("has a MAC bound to its session id and a versioned context", async () => {
    const mac = await macOf(ring, SID, STORED);
    const input = JSON.stringify([
      "tron-auth/session-record/v1",
      SID,
      ...SESSION_FIELDS.map((f) => STORED[f]),
    ]);
    expect(await ring.verify(input, mac)).toBe(true);
  });
});

describe("the grace box (the pair a retried refresh gets back)", () => {
  it("opens with the refresh secret it was sealed under, for the same session only", async () => {
    const box = await seal("the pair", "secret-1", SID);
    expect(box).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(await open(box, "secret-1", SID)).toBe("the pair");
    expect(await open(box, "secret-2", SID)).toBeUndefined();
    expect(await open(box, "secret-1", "B".repeat(22))).toBeUndefined();
    expect(await seal("the pair", "secret-1", SID)).not.toBe(box);
  });

  it("does not open when changed or malformed", async () => {
    const box = await seal("the pair", "secret-1", SID);
    const [iv, data] = box.split(".");
    expect(await open(`${iv}.${data?.slice(0, -2)}AA`, "secret-1", SID)).toBeUndefined();
    expect(await open(`${data}`, "secret-1", SID)).toBeUndefined();
    expect(await open(`.${data}`, "secret-1", SID)).toBeUndefined();
    expect(await open(`${iv}.`, "secret-1", SID)).toBeUndefined();
    expect(await open(`${iv}.***`, "secret-1", SID)).toBeUndefined();
  });

  it("is keyed by HKDF-SHA-256 of the secret, salted with the session id (AES-256-GCM)", async () => {
    const material = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode("secret-1"),
      "HKDF",
      false,
      ["deriveKey"],
    );
    const params = { name: "HKDF", hash: "SHA-256", salt: new TextEncoder().encode(SID) };
    const aes = await crypto.subtle.deriveKey(
      { ...params, info: new TextEncoder().encode("refresh-grace-v1") },
      material,
      { name: "AES-GCM", length: 256 },
      false,
      ["decrypt"],
    );
    const [iv = "", data = ""] = (await seal("the pair", "secret-1", SID)).split(".");
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64url.decode(iv) },
      aes,
      base64url.decode(data),
    );
    expect(new TextDecoder().decode(plain)).toBe("the pair");
  });
});

describe("the lockdown epoch", () => {
  const epoch = formatEpoch(5000, SID);

  it("ends sessions that logged in before it, except the one that engaged it", () => {
    expect(epoch).toBe(`5000:${SID}`);
    expect(endedByLockdown(epoch, "B".repeat(22), 4999)).toBe(true);
    expect(endedByLockdown(epoch, SID, 4999)).toBe(false);
  });

  it("spares sessions that logged in at or after it", () => {
    expect(endedByLockdown(epoch, "B".repeat(22), 5000)).toBe(false);
    expect(endedByLockdown(epoch, "B".repeat(22), 5001)).toBe(false);
  });

  it("ends nothing when there is none or it does not parse", () => {
    expect(endedByLockdown(null, "B", 1)).toBe(false);
    expect(endedByLockdown(5000, "B", 1)).toBe(false);
    expect(endedByLockdown("5000", "B", 1)).toBe(false);
    expect(endedByLockdown("x:A", "B", 1)).toBe(false);
  });
});
