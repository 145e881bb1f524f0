// The Upstash-compatible REST server as a program (local stack, the Pi's optional Redis profile).
import { startUpstashRest } from "./server.ts";

const token = process.env.UPSTASH_REST_TOKEN;
if (!token || token.length < 16) {
  console.error("UPSTASH_REST_TOKEN is required (at least 16 characters)");
  process.exit(78);
}
const handle = await startUpstashRest({
  redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  token,
  port: Number(process.env.UPSTASH_REST_PORT ?? 8079),
  host: process.env.UPSTASH_REST_HOST ?? "127.0.0.1",
});
console.log(JSON.stringify({ msg: "upstash-rest listening", url: handle.url }));
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => void handle.stop().then(() => process.exit(0)));
}
