// The Upstash-compatible REST server as a program (local stack, the Pi's optional Redis profile).
import { BRIDGE_POLICY, startUpstashRest } from "./server.ts";

const token = process.env.UPSTASH_REST_TOKEN;
const bridgeToken = process.env.UPSTASH_REST_BRIDGE_TOKEN;
if (!token || token.length < 16) {
  console.error("UPSTASH_REST_TOKEN is required (at least 16 characters)");
  process.exit(78);
}
if (bridgeToken && (bridgeToken.length < 16 || bridgeToken === token)) {
  console.error(
    "UPSTASH_REST_BRIDGE_TOKEN must be at least 16 characters and differ from UPSTASH_REST_TOKEN",
  );
  process.exit(78);
}
const handle = await startUpstashRest({
  redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  token,
  ...(bridgeToken ? { restricted: { token: bridgeToken, policy: BRIDGE_POLICY } } : {}),
  port: Number(process.env.UPSTASH_REST_PORT ?? 8079),
  host: process.env.UPSTASH_REST_HOST ?? "127.0.0.1",
});
console.log(
  JSON.stringify({ msg: "upstash-rest listening", url: handle.url, bridgeToken: Boolean(bridgeToken) }),
);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => void handle.stop().then(() => process.exit(0)));
}
