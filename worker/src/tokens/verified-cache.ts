import { type AccessClaims, verifyAccessToken } from "./access-token.ts";
import type { KeyRing } from "./keys.ts";

const MAX_ENTRIES = 5_000;

/** Per key ring, so removing a key from the set also drops every token it verified. */
const byRing = new WeakMap<KeyRing, Map<string, AccessClaims>>();

/**
 * Verifies an access token, remembering the exact token strings this isolate has already fully
 * verified (signature, typ, iss, aud) so a client's repeated requests skip the Ed25519 check.
 * Expiry is re-checked on every use; a cached entry is only ever the same bytes, same settings.
 */
export const verifyAccessTokenCached: typeof verifyAccessToken = async (
  ring,
  token,
  settings,
  now = new Date(),
) => {
  let cache = byRing.get(ring);
  if (!cache) {
    cache = new Map();
    byRing.set(ring, cache);
  }
  const key = `${settings.issuer}\n${settings.audience}\n${token}`;
  const hit = cache.get(key);
  if (hit && hit.exp > now.getTime() / 1000) return hit;
  if (hit) cache.delete(key);
  const claims = await verifyAccessToken(ring, token, settings, now);
  if (cache.size >= MAX_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, claims);
  return claims;
};
