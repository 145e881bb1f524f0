import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from "jose";
import { TronWeb } from "tronweb";
import type { EdgeTestContext } from "./edge-stack.ts";

const tronWeb = new TronWeb({ fullHost: "http://127.0.0.1:9" }); // signing is offline

/** A TIP-191 signer over a real key, as TronLink's signMessageV2. */
export const signerFor = (privateKey: string) => async (message: string) =>
  tronWeb.trx.signMessageV2(message, privateKey);

/**
 * The same access token, re-signed by the worker's own key with a lifetime that ended a minute
 * ago: what a tab holds after its token's TTL passed (the worker's minimum TTL is one minute,
 * too long to wait for in every test).
 */
export async function expiredTwin(token: string, ctx: EdgeTestContext): Promise<string> {
  const { iat: _iat, exp: _exp, nbf: _nbf, ...claims } = decodeJwt(token);
  const header = decodeProtectedHeader(token);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({
      alg: "EdDSA",
      typ: header.typ ?? "at+jwt",
      ...(header.kid ? { kid: header.kid } : {}),
    })
    .setIssuedAt(now - 120)
    .setExpirationTime(now - 60)
    .sign(await importJWK(ctx.signingJwk, "EdDSA"));
}
