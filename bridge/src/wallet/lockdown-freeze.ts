import { LOCKDOWN_KEY, LOCKDOWN_SIGNING_FIELD } from "@tron-auth/shared/protocol";
import type { Redis } from "@upstash/redis";

/** A freeze read that takes longer is an unreadable freeze: signing waits for no one. */
export const FREEZE_READ_TIMEOUT_MS = 2_000;

/**
 * The lockdown's signing freeze as the worker writes it, read where the device signs. Fails
 * closed: an error, a timeout or a value other than "0" freezes. The timeout is ours, not the
 * client's: @upstash/redis answers an aborted request with a made-up 200 whose result is the
 * abort reason (a string, which would read as "not frozen") unless the signal is a function.
 * Without Redis configured there is nothing to read here (allowed outside production only).
 */
export function freezeReader(redis: Redis | undefined, timeoutMs = FREEZE_READ_TIMEOUT_MS) {
  return async (): Promise<boolean> => {
    if (!redis) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
      const value = await Promise.race([redis.hget(LOCKDOWN_KEY, LOCKDOWN_SIGNING_FIELD), timedOut]);
      return value === "timeout" || (value !== null && String(value) !== "0");
    } catch {
      return true;
    } finally {
      clearTimeout(timer);
    }
  };
}
