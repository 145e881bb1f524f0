/**
 * A lockdown ends every session that logged in before it, except the caller's. Stored as one
 * Redis string "<ms>:<exempt sid>" that the hot path reads in the same command as the session.
 */
export function formatEpoch(ms: number, exemptSid: string): string {
  return `${ms}:${exemptSid}`;
}

export function endedByLockdown(epoch: unknown, sid: string, loginAt: number): boolean {
  if (typeof epoch !== "string") return false;
  const colon = epoch.indexOf(":");
  const ms = Number(epoch.slice(0, colon));
  if (colon < 0 || !Number.isFinite(ms)) return false;
  return loginAt < ms && epoch.slice(colon + 1) !== sid;
}
