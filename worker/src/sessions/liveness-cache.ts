import type { Role } from "@tron-auth/shared/auth";

export type LiveSession = { uid: string; roles: Role[]; loginAt: number; jkt: string | undefined };

const MAX_ENTRIES = 10_000;
const entries = new Map<string, { session: LiveSession; until: number }>();

/**
 * Per-isolate memory of sessions recently seen live in Redis, for at most SESSION_CACHE_MS.
 * It trades a bounded revocation delay in *other* isolates for no Upstash round trip on most
 * requests; a revocation made in this isolate forgets the entry at once. Privileged routes skip
 * it (requireFreshAuth). Bounded and insertion-ordered, so the oldest entries go first.
 */
export const livenessCache = {
  get(sid: string, now: number): LiveSession | undefined {
    const entry = entries.get(sid);
    if (!entry) return undefined;
    if (entry.until <= now) {
      entries.delete(sid);
      return undefined;
    }
    return entry.session;
  },
  remember(sid: string, session: LiveSession, until: number): void {
    entries.delete(sid);
    if (entries.size >= MAX_ENTRIES) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.set(sid, { session, until });
  },
  forget(sid: string): void {
    entries.delete(sid);
  },
};
