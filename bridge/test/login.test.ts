import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_PATH, startTestBridge, type TestBridge } from "./support/harness.ts";
import { highSTwin, newWallet, signTip191, siwtMessage, type Wallet } from "./support/wallet.ts";

let t: TestBridge;
const superAdmin = newWallet();
const LOGIN = LOGIN_PATH;
let admin: { sub: string; roles: string[] };
const AUDITOR = { sub: "usr_auditor", roles: ["ADMIN"] };

beforeAll(async () => {
  t = await startTestBridge({ BOOTSTRAP_SUPER_ADMIN_ADDRESS: superAdmin.address });
  admin = await t.actorFor(superAdmin);
});
afterAll(() => t.stop());

const login = (w: Wallet, message?: string, signature?: string) => t.login(w, message, signature);

async function lastLoginEvent(address: string) {
  const res = await t.call("/internal/v1/audit?type=login_failure&limit=200", { assertion: AUDITOR });
  const events = res.body.events as { actor: { address?: string }; details: { reason?: string } }[];
  return events.find((e) => e.actor.address === address);
}

describe("POST /internal/v1/login/verify", () => {
  it("creates a USER on first login and returns the same user afterwards", async () => {
    const alice = newWallet();
    const first = await login(alice);
    expect(first.status).toBe(200);
    const user = first.body.user as { id: string; address: string; roles: string[]; status: string };
    expect(user).toMatchObject({ address: alice.address, roles: ["USER"], status: "active" });
    expect(user.id).toMatch(/^usr_[0-9a-f]{32}$/);
    const second = await login(alice);
    expect((second.body.user as { id: string }).id).toBe(user.id);
  });

  it("makes the configured bootstrap address SUPER_ADMIN", async () => {
    const res = await login(superAdmin);
    expect(res.body.user).toMatchObject({ roles: ["SUPER_ADMIN"] });
  });

  it("records login_success with the client's ip and user agent, and never logs the signature", async () => {
    const bob = newWallet();
    const message = siwtMessage(bob.address);
    const signature = signTip191(message, bob);
    await login(bob, message, signature);
    const res = await t.call("/internal/v1/audit?type=login_success&limit=200", { assertion: AUDITOR });
    const events = res.body.events as { actor: { address?: string }; client: unknown }[];
    const event = events.find((e) => e.actor.address === bob.address);
    expect(event?.client).toEqual({ ip: "203.0.113.7", userAgent: "test-agent/1" });
    expect(t.logLines.join("")).not.toContain(signature.slice(2, 40));
  });

  const refusals: [string, (w: Wallet) => { message: string; signature: string }, string][] = [
    [
      "another key's signature",
      (w) => {
        const message = siwtMessage(w.address);
        return { message, signature: signTip191(message, newWallet()) };
      },
      "signature_mismatch",
    ],
    [
      "a high-S signature",
      (w) => {
        const message = siwtMessage(w.address);
        return { message, signature: highSTwin(signTip191(message, w)) };
      },
      "signature_high_s",
    ],
    [
      "a malformed signature",
      (w) => ({ message: siwtMessage(w.address), signature: "0xdeadbeef" }),
      "signature_malformed",
    ],
    [
      "a tampered message",
      (w) => {
        const message = siwtMessage(w.address);
        return { message: message.replace("Nonce: ", "Nonce: 1"), signature: signTip191(message, w) };
      },
      "signature_mismatch",
    ],
    [
      "an expired message",
      (w) => {
        const message = siwtMessage(w.address, { ageSeconds: 600 });
        return { message, signature: signTip191(message, w) };
      },
      "siwt_expired",
    ],
    [
      "another domain",
      (w) => {
        const message = siwtMessage(w.address, { domain: "evil.example" });
        return { message, signature: signTip191(message, w) };
      },
      "siwt_domain_mismatch",
    ],
    [
      "another chain",
      (w) => {
        const message = siwtMessage(w.address, { chainId: "tron:728126428" });
        return { message, signature: signTip191(message, w) };
      },
      "siwt_chain_mismatch",
    ],
    ["not a SIWT message", () => ({ message: "hello", signature: `0x${"1".repeat(130)}` }), "siwt_malformed"],
  ];

  for (const [name, make, code] of refusals) {
    it(`refuses ${name} with ${code} (401) and audits the reason`, async () => {
      const wallet = newWallet();
      const { message, signature } = make(wallet);
      const res = await t.call(LOGIN, { body: { message, signature } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(code);
      expect(JSON.stringify(res.body)).not.toContain("stack");
      // A message that does not parse names no address; every other refusal is traceable to one.
      if (code !== "siwt_malformed") {
        expect((await lastLoginEvent(wallet.address))?.details.reason).toBe(code);
      }
    });
  }

  it("refuses a locked user with 423 and lets them in once unlocked", async () => {
    const carol = newWallet();
    const id = ((await login(carol)).body.user as { id: string }).id;
    const lock = await t.call(`/internal/v1/users/${id}/lock`, {
      body: { reason: "stolen key" },
      assertion: admin,
    });
    expect(lock.status).toBe(200);
    const refused = await login(carol);
    expect(refused.status).toBe(423);
    expect(refused.body.code).toBe("account_locked");
    expect((await lastLoginEvent(carol.address))?.details.reason).toBe("account_locked");
    await t.call(`/internal/v1/users/${id}/unlock`, { method: "POST", assertion: admin });
    expect((await login(carol)).status).toBe(200);
  });

  it("treats a lapsed lock as active", async () => {
    const dave = newWallet();
    const id = ((await login(dave)).body.user as { id: string }).id;
    const until = new Date(Date.now() + 1_500).toISOString();
    await t.call(`/internal/v1/users/${id}/lock`, {
      body: { reason: "cool-off", until },
      assertion: admin,
    });
    expect((await login(dave)).status).toBe(423);
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await login(dave)).status).toBe(200);
  });

  it("answers bad bodies with 400/415 problems, never 500", async () => {
    const cases: [unknown, string, number][] = [
      ["{not json", "bad_request", 400],
      [{ message: "x" }, "validation_failed", 400],
      [{ message: { $ne: "" }, signature: "x" }, "validation_failed", 400],
      [{ message: "x", signature: "y", extra: 1 }, "validation_failed", 400],
    ];
    for (const [body, code, status] of cases) {
      const res = await t.call(LOGIN, { body });
      expect([res.status, res.body.code]).toEqual([status, code]);
    }
    const text = await t.call(LOGIN, { body: "a=b", headers: { "content-type": "text/plain" } });
    expect([text.status, text.body.code]).toEqual([415, "unsupported_media_type"]);
    const big = await t.call(LOGIN, { body: { message: "x".repeat(70_000), signature: "y" } });
    expect([big.status, big.body.code]).toEqual([413, "payload_too_large"]);
  });
});
