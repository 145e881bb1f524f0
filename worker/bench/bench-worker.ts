import { Hono } from "hono";
import { jwk } from "hono/jwk";
import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import { createApp } from "../src/app.ts";
import { dpopNonceHeader } from "../src/dpop/request-proof.ts";
import { authenticate, requireAuth, requireFreshAuth } from "../src/guard/authenticate.ts";
import { settingsOf } from "../src/platform/config.ts";
import type { AppEnv } from "../src/platform/env.ts";
import { keyRingFrom } from "../src/tokens/keys.ts";

/**
 * The benchmark's worker: the real app plus three routes that differ only in their guard, so one
 * workerd measures the bare route, this project's middleware (token + session liveness, from the
 * isolate's 1 s liveness cache or strictly from Redis on every request) and
 * Hono's built-in `hono/jwk` (token only) with the same Ed25519 key.
 */
const honoJwk = jwk({
  alg: ["EdDSA"],
  keys: async (c) => (await keyRingFrom(c.env.JWT_SIGNING_KEYS)).publicJwks.keys as HonoJsonWebKey[],
  verification: { typ: "at+jwt", iss: "tron-auth-edge", aud: "tron-auth-api" },
});

/** Authentication alone (token + session liveness), the like-for-like comparison with hono/jwk. */
const authOnly = authenticate({
  staleness: (env) => settingsOf(env).SESSION_CACHE_MS,
  rateLimit: "none",
  currentRoles: false,
});

const bench = new Hono<AppEnv>()
  // As the app does: DPoP requests learn the isolate's nonce, so bound requests skip Redis.
  .use(dpopNonceHeader)
  .get("/bench/bare", (c) => c.json({ ok: true }))
  .get("/bench/ours-auth", authOnly, (c) => c.json({ ok: true, sub: c.var.auth.userId }))
  .get("/bench/ours", requireAuth, (c) => c.json({ ok: true, sub: c.var.auth.userId }))
  .get("/bench/ours-strict", requireFreshAuth, (c) => c.json({ ok: true, sub: c.var.auth.userId }))
  .get("/bench/hono-jwk", honoJwk, (c) => {
    // Same configuration source as ours, so a misconfigured run fails in both.
    settingsOf(c.env);
    return c.json({ ok: true });
  });

const app = new Hono<AppEnv>();
app.route("/", bench);
app.route("/", createApp());

export default app;
