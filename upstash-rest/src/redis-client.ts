import { createClient } from "redis";

/** RESP2: the reply shapes Upstash returns (node-redis 6 defaults to RESP3). */
export function createResp2Client(url: string) {
  // No offline queue: while redis-server is away a command fails at once (the client answers 503)
  // instead of waiting, unanswered, for a reconnect.
  const client = createClient({ url, RESP: 2, disableOfflineQueue: true });
  // Connection errors surface on the next command (503); an unhandled 'error' event would crash.
  client.on("error", () => {});
  return client;
}

export type RedisClient = ReturnType<typeof createResp2Client>;
