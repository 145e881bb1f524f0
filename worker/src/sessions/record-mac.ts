import { base64url } from "jose";
import { misconfigured, parsedOnce } from "../platform/secret-once.ts";

/** 256 bits: the HMAC-SHA256 key must be at least as strong as the hash. */
const MIN_KEY_BYTES = 32;
const MAX_KEYS = 8;

export type MacRing = {
  /** base64url HMAC-SHA256 of `data` under the first key. */
  sign(data: string): Promise<string>;
  /** Whether any key of the ring made `mac` over `data` (WebCrypto verify: constant time). */
  verify(data: string, mac: string): Promise<boolean>;
};

/**
 * SESSION_MAC_KEY is a comma-separated list of base64url keys of at least 256 bits: the first
 * signs, every key verifies, so a rotation adds the new key in front and drops the old one once
 * the sessions it signed have ended. Parsed once per isolate; never echoed in errors.
 */
export const macRingFrom = parsedOnce("SESSION_MAC_KEY", buildRing);

async function buildRing(secret: string): Promise<MacRing> {
  const raw = secret.split(",").map((part) => part.trim());
  const bytes = raw.map(decodeKey);
  if (bytes.length > MAX_KEYS || bytes.some((b) => b === undefined)) {
    throw misconfigured(
      `SESSION_MAC_KEY must be 1 to ${MAX_KEYS} comma-separated base64url keys of at least ${MIN_KEY_BYTES} bytes`,
    );
  }
  const keys = await Promise.all(
    bytes.map((b) =>
      crypto.subtle.importKey("raw", b as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]),
    ),
  );
  const [signing] = keys;
  if (!signing) throw misconfigured("SESSION_MAC_KEY is empty");
  const encode = (data: string) => new TextEncoder().encode(data);
  return {
    async sign(data) {
      return base64url.encode(new Uint8Array(await crypto.subtle.sign("HMAC", signing, encode(data))));
    },
    async verify(data, mac) {
      let presented: Uint8Array<ArrayBuffer>;
      try {
        presented = base64url.decode(mac) as Uint8Array<ArrayBuffer>;
      } catch {
        return false;
      }
      for (const key of keys) {
        if (await crypto.subtle.verify("HMAC", key, presented, encode(data))) return true;
      }
      return false;
    },
  };
}

function decodeKey(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const bytes = base64url.decode(text);
    return bytes.length >= MIN_KEY_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
}
