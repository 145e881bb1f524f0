export type Reply = string | number | null | Reply[];

/** Upstash-Encoding: base64 encodes every string in the result, recursively; numbers and nil stay. */
export function encodeReply(reply: unknown, base64: boolean): Reply {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "number") return reply;
  if (typeof reply === "bigint") return Number(reply);
  if (Array.isArray(reply)) return reply.map((r) => encodeReply(r, base64));
  if (reply instanceof Uint8Array)
    return base64 ? Buffer.from(reply).toString("base64") : Buffer.from(reply).toString("utf8");
  const text = String(reply);
  return base64 ? Buffer.from(text, "utf8").toString("base64") : text;
}
