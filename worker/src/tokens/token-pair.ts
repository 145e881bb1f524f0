import type { Role } from "@tron-auth/shared/auth";
import { type TokenPair, tokenPairSchema } from "@tron-auth/shared/protocol";
import type { Settings } from "../platform/config.ts";
import { issueAccessToken } from "./access-token.ts";
import type { KeyRing } from "./keys.ts";
import { formatRefreshToken, hashSecret, newRefreshToken } from "./refresh-token.ts";

/** The login and refresh response body (README "Public API"), shared with the client library. */
export { tokenPairSchema };
export type TokenPairBody = TokenPair;

/** The body, and the hash of its refresh token's secret: what the session stores instead of it. */
export type MintedPair = { body: TokenPairBody; refreshHash: string };

/**
 * A fresh access token and the next refresh token of the session's family; bound to `jkt` (the
 * key the session is bound to) when there is one.
 */
export async function mintTokenPair(
  ring: KeyRing,
  settings: Settings,
  subject: { userId: string; address: string; roles: Role[]; sid: string; jkt: string | undefined },
): Promise<MintedPair> {
  const ttlSeconds = settings.ACCESS_TOKEN_EXPIRE_MINUTES * 60;
  const { userId: sub, address: addr, roles, sid, jkt } = subject;
  const accessToken = await issueAccessToken(
    ring,
    { sub, addr, roles, sid, jkt },
    { issuer: settings.JWT_ISSUER, audience: settings.JWT_AUDIENCE, ttlSeconds },
  );
  const refresh = newRefreshToken(subject.sid);
  return {
    body: {
      accessToken,
      refreshToken: formatRefreshToken(refresh),
      tokenType: jkt ? "DPoP" : "Bearer",
      expiresIn: ttlSeconds,
      user: { id: subject.userId, address: subject.address, roles: subject.roles },
    },
    refreshHash: await hashSecret(refresh.secret),
  };
}
