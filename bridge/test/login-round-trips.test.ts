import { randomBytes } from "node:crypto";
import { AppError } from "@tron-auth/shared/problems";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ChainKey } from "../src/audit/chain-key.ts";
import { AuditStore } from "../src/audit/store.ts";
import { type LoginDeps, verifyLogin } from "../src/login/verify.ts";
import { UserStore } from "../src/users/store.ts";
import { newWallet, SIWT, signTip191, siwtMessage, type Wallet } from "./support/wallet.ts";

// The database is the login path's main cost (FerretDB spends more CPU per login than the bridge):
// these tests count the commands a login sends, on the real server, and check the refusals.
let client: MongoClient;
let users: UserStore;
let deps: LoginDeps;
const commands: { name: string; collection: string }[] = [];

beforeAll(async () => {
  client = new MongoClient(inject("mongoUri"), { monitorCommands: true });
  await client.connect();
  const db = client.db(`login_rt_${randomBytes(6).toString("hex")}`);
  users = new UserStore(db);
  await users.ensureIndexes();
  const audit = new AuditStore(db, 90, new ChainKey(randomBytes(32)));
  await audit.ensureIndexes();
  client.on("commandStarted", (e) =>
    commands.push({ name: e.commandName, collection: String(e.command[e.commandName]) }),
  );
  deps = { users, audit, expected: SIWT, now: () => new Date() };
});
afterAll(() => client.close());

async function login(wallet: Wallet) {
  const message = siwtMessage(wallet.address);
  commands.length = 0;
  return verifyLogin({ message, signature: signTip191(message, wallet) }, deps, { requestId: "req-rt" });
}

const usersCommands = () => commands.filter((c) => c.collection === "users").map((c) => c.name);
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "signed in",
    (error: unknown) => (error instanceof AppError ? error.problem.code : String(error)),
  );

describe("login verification round trips", () => {
  it("creates a user on first login and signs a returning one in with one users command each", async () => {
    const alice = newWallet();
    const first = await login(alice);
    expect(usersCommands()).toEqual(["findAndModify"]);
    const again = await login(alice);
    expect(usersCommands()).toEqual(["findAndModify"]);
    expect(again.user.id).toBe(first.user.id);
    // The audit event: one insert, and the chain head's compare-and-set (the head is known in-process).
    expect(commands.filter((c) => c.collection === "audit_events").map((c) => c.name)).toEqual(["insert"]);
    expect(commands.filter((c) => c.collection === "audit_chain").map((c) => c.name)).toEqual(["update"]);
  });

  it("refuses a locked user without stamping the login, and lets them in once the lock lapses", async () => {
    const bob = newWallet();
    const { user } = await login(bob);
    const before = (await users.findById(user.id))?.lastLoginAt;
    const now = new Date();
    const lock = { reason: "test", until: new Date(now.getTime() + 60_000), by: "usr_admin", at: now };
    await users.setStatus(user.id, "locked", lock, now);
    expect(await refusal(login(bob))).toBe("account_locked");
    expect((await users.findById(user.id))?.lastLoginAt).toEqual(before);

    await users.setStatus(user.id, "locked", { ...lock, until: new Date(now.getTime() - 1) }, now);
    expect((await login(bob)).user).toMatchObject({ id: user.id, status: "active" });
    expect((await users.findById(user.id))?.lastLoginAt?.getTime()).toBeGreaterThan(before?.getTime() ?? 0);
  });

  it("refuses a disabled user, also under an unlimited lock, and never creates a second record", async () => {
    const carol = newWallet();
    const { user } = await login(carol);
    await users.setStatus(user.id, "disabled", null, new Date());
    expect(await refusal(login(carol))).toBe("account_disabled");
    const now = new Date();
    await users.setStatus(user.id, "locked", { reason: "x", until: null, by: "usr_admin", at: now }, now);
    expect(await refusal(login(carol))).toBe("account_locked");
    expect((await users.list({ limit: 500 })).users.filter((u) => u.address === carol.address)).toHaveLength(
      1,
    );
  });

  it("makes one user of two racing first logins of one address, and signs both in", async () => {
    const dave = newWallet();
    const [a, b] = await Promise.all([login(dave), login(dave)]);
    expect(a.user.id).toBe(b.user.id);
  });
});
