/**
 * The lockdown state the worker writes and the bridge reads before signing: a Redis hash whose
 * `signing` field is "1" while wallet signing is frozen.
 */
export const LOCKDOWN_KEY = "ta:lockdown";
export const LOCKDOWN_SIGNING_FIELD = "signing";
