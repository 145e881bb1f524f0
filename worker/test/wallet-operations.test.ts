import { beforeAll, describe, expect, it } from "vitest";
import { actorWithRole, call, ctx, type TokenPair } from "./support/edge.ts";
import { transfer } from "./support/transfers.ts";

type Operation = { id: string; kind: string; status: string; result?: { txID: string; signature: string } };

const control = (path: string) => fetch(`${ctx.bridgeControlUrl}${path}`, { method: "POST" });
const exchangeCount = async () =>
  (await (await fetch(`${ctx.bridgeControlUrl}/device`)).json<{ exchangeCount: number }>()).exchangeCount;

let admin: TokenPair;
let other: TokenPair;
beforeAll(async () => {
  admin = (await actorWithRole("ADMIN")).pair;
  other = (await actorWithRole("ADMIN")).pair;
});

const sign = (body: unknown, key: string | undefined, token = admin.accessToken) =>
  call<Record<string, unknown>>("/v1/wallet/sign-transaction", {
    token,
    body,
    ...(key === undefined ? {} : { headers: { "Idempotency-Key": key } }),
  });

describe("idempotent signing and long confirmations, end to end", () => {
  it("requires an Idempotency-Key (400) of 16-128 safe characters; a quoted key works", async () => {
    const body = { rawDataHex: await transfer(1) };
    const before = await exchangeCount();
    for (const key of [undefined, "", "short", "x".repeat(129), "has spaces in it, too many"]) {
      const res = await sign(body, key);
      expect([key, res.status, res.body.code]).toEqual([key, 400, "idempotency_key_invalid"]);
    }
    expect(await exchangeCount()).toBe(before);
    expect((await sign(body, `"${crypto.randomUUID()}"`)).status).toBe(200);
  });

  it("answers a retry with the same signature without the device; another body with the key is 409", async () => {
    const key = crypto.randomUUID();
    const body = { rawDataHex: await transfer(2) };
    const first = await sign(body, key);
    expect(first.status).toBe(200);
    expect(first.headers.get("Content-Location")).toMatch(/^\/v1\/wallet\/operations\/wop_[0-9a-f]{32}$/);
    const before = await exchangeCount();
    const again = await sign(body, key);
    expect([again.status, again.body]).toEqual([200, first.body]);
    const reused = await sign({ rawDataHex: await transfer(3) }, key);
    expect([reused.status, reused.body.code]).toEqual([409, "idempotency_key_reused"]);
    expect(await exchangeCount()).toBe(before);
  });

  it("answers 202 with a Location while a person confirms; polling and retrying give the result", async () => {
    const key = crypto.randomUUID();
    const body = { rawDataHex: await transfer(4) };
    await control("/device/holdNext");
    let released = false;
    try {
      const pending = await sign(body, key);
      expect(pending.status).toBe(202);
      expect(pending.headers.get("Retry-After")).toBe("2");
      const location = pending.headers.get("Location") ?? "";
      expect(location).toBe(`/v1/wallet/operations/${String(pending.body.id)}`);
      expect(pending.body).toMatchObject({ kind: "transaction", status: "pending" });
      const poll = () => call<Operation>(location, { token: admin.accessToken });
      expect((await poll()).body.status).toBe("pending");
      // Someone else cannot see it; a malformed id is simply unknown.
      expect((await call(location, { token: other.accessToken })).status).toBe(404);
      expect((await call("/v1/wallet/operations/nope", { token: admin.accessToken })).status).toBe(404);
      await control("/device/release");
      released = true;
      await expect.poll(async () => (await poll()).body.status).toBe("succeeded");
      const done = (await poll()).body;
      expect(done.result).toMatchObject({ txID: expect.any(String), signature: expect.any(String) });
      const before = await exchangeCount();
      const retried = await sign(body, key);
      expect([retried.status, retried.body]).toEqual([200, done.result]);
      expect(await exchangeCount()).toBe(before);
    } finally {
      if (!released) await control("/device/release");
    }
  });
});
