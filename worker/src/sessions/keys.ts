/**
 * Every Redis key of session state, named in one place and imported only inside sessions/: the
 * store and its scripts are the only readers and writers of these keys.
 */
export const SESSION_PREFIX = "ta:sess:";
export const sessionKey = (sid: string) => `${SESSION_PREFIX}${sid}`;
/** A user's sessions, scored by creation time (the oldest is evicted beyond the limit). */
export const userIndexKey = (uid: string) => `ta:usess:${uid}`;
/** The sealed pair of a session's last rotation, for a retry within the grace window. */
export const graceKey = (sid: string) => `ta:grace:${sid}`;
/** "<ms>:<exempt sid>": sessions that logged in before `ms` are over (lockdown), except one. */
export const EPOCH_KEY = "ta:sessions:epoch";
/** The roles clock: advanced by every role change that ends. */
export const ROLES_CLOCK_KEY = "ta:roles:clock";
/** A user's role-change state (in flight, changed at, began, contended). */
export const ROLE_STATE_PREFIX = "ta:roles:u:";
export const roleStateKey = (uid: string) => `${ROLE_STATE_PREFIX}${uid}`;
