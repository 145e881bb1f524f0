import { afterEach, describe, expect, it } from "vitest";
import { seal } from "../src/sessions/grace-box.ts";
import { SESSION_STATE } from "../src/sessions/scripts.ts";
import { call, login, newWallet, type TokenPair } from "./support/edge.ts";
import { faultState, injectFault, redisCommand, releaseFaults, sidOf } from "./support/redis.ts";

const strict = { SESSION_CACHE_MS: "0" };
/** A line only the hot path's script text holds: seen by the faults only when the text is sent. */
const SESSION_STATE_TEXT = "cjson.encode({values";

afterEach(async () => {
  await releaseFaults();
});

describe("Lua scripts are loaded once and then named by their SHA1", () => {
  it("has the SHA1 Redis gives the script's text", async () => {
    const loaded = await redisCommand<string>(["SCRIPT", "LOAD", SESSION_STATE.source]);
    expect(loaded.result).toBe(SESSION_STATE.sha1);
    expect(SESSION_STATE.source).toContain(SESSION_STATE_TEXT);
  });

  it("sends the hot path's script by its SHA1 (EVALSHA), not its text", async () => {
    const pair = await login(await newWallet());
    expect((await call("/v1/me", { token: pair.accessToken, env: strict })).status).toBe(200);
    // Any command carrying the script's text now fails: the request must not send one.
    await injectFault([SESSION_STATE_TEXT]);
    const me = await call("/v1/me", { token: pair.accessToken, env: strict });
    expect(me.status).toBe(200);
    expect((await faultState()).armed).toBe(1);
  });

  it("sends the text once (EVAL) when Redis has lost its scripts (NOSCRIPT), then the SHA1 again", async () => {
    const pair = await login(await newWallet());
    expect((await redisCommand(["SCRIPT", "FLUSH"])).status).toBe(200);
    const reloaded = await call("/v1/me", { token: pair.accessToken, env: strict });
    expect(reloaded.status).toBe(200);
    const exists = await redisCommand<number[]>(["SCRIPT", "EXISTS", SESSION_STATE.sha1]);
    expect(exists.result).toEqual([1]);
    await injectFault([SESSION_STATE_TEXT]);
    expect((await call("/v1/me", { token: pair.accessToken, env: strict })).status).toBe(200);
    expect((await faultState()).armed).toBe(1);
  });
});

describe("stored data is parsed, never trusted", () => {
  /** A rotation whose grace box is then replaced by one sealed (correctly) around `plaintext`. */
  async function graceBoxHolding(plaintext: string): Promise<TokenPair> {
    const first = await login(await newWallet());
    const rotated = await call<TokenPair>("/v1/auth/refresh", { body: { refreshToken: first.refreshToken } });
    expect(rotated.status).toBe(200);
    const sid = sidOf(first.refreshToken);
    const secret = first.refreshToken.split(".")[1] ?? "";
    const box = await seal(plaintext, secret, sid);
    expect((await redisCommand(["SET", `ta:grace:${sid}`, box, "PX", 30_000])).status).toBe(200);
    return first;
  }

  const boxes: [string, string][] = [
    ["not JSON", "{not json"],
    ["JSON that is not a token pair", JSON.stringify({ accessToken: "forged", tokenType: "Bearer" })],
  ];
  for (const [what, plaintext] of boxes) {
    it(`a grace-window retry whose sealed pair is ${what} is refused (401), never echoed nor a 500`, async () => {
      const first = await graceBoxHolding(plaintext);
      const retried = await call("/v1/auth/refresh", { body: { refreshToken: first.refreshToken } });
      expect([retried.status, retried.body.code]).toEqual([401, "invalid_token"]);
      expect(JSON.stringify(retried.body)).not.toContain("forged");
    });
  }
});
