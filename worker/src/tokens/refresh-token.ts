import { base64url } from "jose";

/**
 * Refresh tokens are `<session id>.<256-bit secret>`: opaque to clients, the session id locates
 * the record in one lookup, and only SHA-256(secret) is stored, so a Redis dump holds nothing
 * that can be replayed.
 */
/** A session id: 128 random bits, base64url. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type RefreshToken = { sid: string; secret: string };

function randomBase64url(bytes: number): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function newSessionId(): string {
  return randomBase64url(16);
}

export function newRefreshToken(sid: string): RefreshToken {
  return { sid, secret: randomBase64url(32) };
}

export function formatRefreshToken(token: RefreshToken): string {
  return `${token.sid}.${token.secret}`;
}

export function parseRefreshToken(value: string): RefreshToken | undefined {
  if (value.length !== 66) return undefined;
  const [sid, secret, ...rest] = value.split(".");
  if (rest.length > 0 || !sid || !secret || !SESSION_ID_PATTERN.test(sid) || !SECRET_PATTERN.test(secret))
    return undefined;
  return { sid, secret };
}

export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return base64url.encode(new Uint8Array(digest));
}
