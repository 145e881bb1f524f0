import { base64url } from "jose";

/**
 * Refresh tokens are `<session id>.<256-bit secret>`: opaque to clients, the session id locates
 * the record in one lookup, and only SHA-256(secret) is stored, so a Redis dump holds nothing
 * that can be replayed.
 */
/** A session id: 128 random bits, base64url. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** The whole token in one anchored pattern: a session id, one dot, a 256-bit secret (43 characters). */
const REFRESH_TOKEN_PATTERN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

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
  const match = REFRESH_TOKEN_PATTERN.exec(value);
  return match ? { sid: match[1] as string, secret: match[2] as string } : undefined;
}

export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return base64url.encode(new Uint8Array(digest));
}
