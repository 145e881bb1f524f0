import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signAssertion } from "./support/assertions.ts";
import { LOGIN_PATH, startTestBridge, type TestBridge } from "./support/harness.ts";
import { newWallet, signTip191, siwtMessage } from "./support/wallet.ts";

let t: TestBridge;

beforeAll(async () => {
  t = await startTestBridge({ LOG_LEVEL: "warn" });
});
afterAll(() => t.stop());

const admin = { sub: "usr_admin", roles: ["ADMIN"] };
const refusal = (res: { status: number; body: Record<string, unknown> }) => [
  res.status,
  res.body.code,
  res.body.reason,
];

describe("an internal assertion serves one request: its method, path and query", () => {
  const signed = { method: "GET", target: "/internal/v1/users?limit=1" };

  it.each([
    ["another query", "GET", "/internal/v1/users?limit=2"],
    ["the query dropped", "GET", "/internal/v1/users"],
    ["a query parameter added", "GET", "/internal/v1/users?limit=1&role=ADMIN"],
    ["another path", "GET", "/internal/v1/audit?limit=1"],
    ["another method", "POST", "/internal/v1/users?limit=1"],
  ])("refuses it for %s (over mTLS)", async (_name, method, path) => {
    const assertion = await signAssertion(t.key, { ...admin, ...signed });
    const res = await t.call(path, { method, assertion });
    expect(refusal(res)).toEqual([401, "invalid_assertion", "assertion_request_mismatch"]);
    // The refused misuse did not use the assertion up: the request it was signed for passes.
    expect((await t.call(signed.target, { method: "GET", assertion })).status).toBe(200);
  });

  it("compares the target as routed (normalised), not as spelled on the wire", async () => {
    const assertion = await signAssertion(t.key, { ...admin, method: "GET", target: "/internal/v1/audit" });
    const res = await t.call("/internal/v1/users/../audit", { method: "GET", assertion });
    // Node and the URL parser route this as /internal/v1/audit; what counts is what is routed.
    expect(res.status).toBe(200);
    const other = await signAssertion(t.key, {
      ...admin,
      method: "GET",
      target: "/internal/v1/users/../audit",
    });
    expect(refusal(await t.call("/internal/v1/audit", { method: "GET", assertion: other }))).toEqual([
      401,
      "invalid_assertion",
      "assertion_request_mismatch",
    ]);
  });
});

describe("replays are refused across a restart of the bridge", () => {
  it("refuses an assertion used before the restart (same database), while fresh ones pass", async () => {
    const wallet = newWallet();
    const message = siwtMessage(wallet.address);
    const body = JSON.stringify({ message, signature: signTip191(message, wallet) });
    const assertion = await signAssertion(t.key, { body });
    expect((await t.call(LOGIN_PATH, { body, assertion })).status).toBe(200);
    await t.restart();
    const replayed = await t.call(LOGIN_PATH, { body, assertion });
    expect(refusal(replayed)).toEqual([401, "invalid_assertion", "assertion_replayed"]);
    expect((await t.call(LOGIN_PATH, { body })).status).toBe(200);
  });
});
