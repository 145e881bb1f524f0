import { randomBytes } from "node:crypto";

/**
 * Time-ordered ids (48-bit millisecond time + 80 random bits, hex), so sorting by `_id` is sorting
 * by creation and cursor pagination needs no second index.
 */
export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}_${now.toString(16).padStart(12, "0")}${randomBytes(10).toString("hex")}`;
}
