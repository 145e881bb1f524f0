import { AUDIT_OUTBOX_STREAM, LOCKDOWN_KEY } from "@tron-auth/shared/protocol";
import type { ConsumerPolicy } from "./policy.ts";

/**
 * Everything the bridge does in Redis: drain the audit outbox through its consumer group and read
 * the lockdown state before signing. Its token gets this and nothing else.
 */
export const BRIDGE_POLICY: ConsumerPolicy = { streams: [AUDIT_OUTBOX_STREAM], readHashes: [LOCKDOWN_KEY] };
