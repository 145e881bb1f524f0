import { env, exports } from "cloudflare:workers";
import { createApp } from "../src/app.ts";

const worker = (exports as unknown as { default: Fetcher }).default;

import { describe, expect, it } from "vitest";
import type { Env } from "../src/platform/env.ts";

type Health = { status: string; service: string; dependencies: { redis: string; bridge: string } };

describe("GET /health", () => {
  it("reaches the local Upstash server and the bridge (over mTLS) from inside workerd", async () => {
    const res = await worker.fetch("https://edge.test/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json<Health>();
    expect(body).toMatchObject({
      status: "healthy",
      service: "auth-edge",
      dependencies: { redis: "healthy", bridge: "healthy" },
    });
  });

  it("answers unknown routes with a problem document, not HTML", async () => {
    const res = await worker.fetch("https://edge.test/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, code: "not_found" });
  });

  it("is unhealthy (503) when the Upstash server refuses the token", async () => {
    const wrongToken = { ...(env as unknown as Env), UPSTASH_REDIS_REST_TOKEN: "not-the-token" };
    const res = await createApp().request("/health", {}, wrongToken);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "unhealthy", dependencies: { redis: "unhealthy" } });
  });
});
