import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s.toUpperCase()).digest();

/** Constant-time membership: fingerprints are not secret, but the habit costs nothing here. */
export function isPinned(fingerprint: string, pinned: readonly string[]): boolean {
  const candidate = digest(fingerprint);
  let found = false;
  for (const p of pinned) found = timingSafeEqual(candidate, digest(p)) || found;
  return found;
}
