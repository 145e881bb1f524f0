import { base64url } from "jose";

/**
 * The pair issued by a rotation is kept for the grace window, sealed with a key derived from the
 * refresh token it replaced: a client retrying with that token (a lost response) gets the same
 * pair back, and nobody else (Redis included) can read it.
 */
async function keyFor(previousSecret: string, sid: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(previousSecret),
    "HKDF",
    false,
    ["deriveKey"],
  );
  return crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new TextEncoder().encode(sid),
      info: new TextEncoder().encode("refresh-grace-v1"),
    },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function seal(plaintext: string, previousSecret: string, sid: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await keyFor(previousSecret, sid);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    key,
    new TextEncoder().encode(plaintext),
  );
  return `${base64url.encode(iv)}.${base64url.encode(new Uint8Array(sealed))}`;
}

export async function open(box: string, previousSecret: string, sid: string): Promise<string | undefined> {
  const [iv, data] = box.split(".");
  if (!iv || !data) return undefined;
  try {
    const key = await keyFor(previousSecret, sid);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64url.decode(iv) },
      key,
      base64url.decode(data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return undefined;
  }
}
