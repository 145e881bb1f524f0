import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { keyRingFrom } from "../tokens/keys.ts";

/** Public keys only (the `d` of each key never leaves keys.ts); cacheable for five minutes. */
export const jwksRoutes = new Hono<AppEnv>().get("/.well-known/jwks.json", async (c) => {
  const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
  return c.json(ring.publicJwks, 200, { "Cache-Control": "public, max-age=300" });
});
