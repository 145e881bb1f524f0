import type { Role } from "@tron-auth/shared/auth";
import type { Settings } from "../config.ts";
import {
  formatRefreshToken,
  hashSecret,
  newRefreshToken,
  type RefreshToken,
} from "../sessions/refresh-token.ts";
import { issueAccessToken } from "../tokens/access-token.ts";
import type { KeyRing } from "../tokens/keys.ts";

export type TokenPairBody = {
  accessToken: string;
  refreshToken: string;
  tokenType: "Bearer";
  expiresIn: number;
  user: { id: string; address: string; roles: Role[] };
};

export type MintedPair = { body: TokenPairBody; refresh: RefreshToken; refreshHash: string };

/** The login and refresh response body: a fresh access token and the next refresh token of the family. */
export async function mintTokenPair(
  ring: KeyRing,
  settings: Settings,
  subject: { userId: string; address: string; roles: Role[]; sid: string },
): Promise<MintedPair> {
  const ttlSeconds = settings.ACCESS_TOKEN_EXPIRE_MINUTES * 60;
  const accessToken = await issueAccessToken(
    ring,
    { sub: subject.userId, addr: subject.address, roles: subject.roles, sid: subject.sid },
    { issuer: settings.JWT_ISSUER, audience: settings.JWT_AUDIENCE, ttlSeconds },
  );
  const refresh = newRefreshToken(subject.sid);
  return {
    body: {
      accessToken,
      refreshToken: formatRefreshToken(refresh),
      tokenType: "Bearer",
      expiresIn: ttlSeconds,
      user: { id: subject.userId, address: subject.address, roles: subject.roles },
    },
    refresh,
    refreshHash: await hashSecret(refresh.secret),
  };
}
