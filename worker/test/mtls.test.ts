import { env } from "cloudflare:workers";
import { AppError } from "@tron-auth/shared/problems";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { callBridge } from "../src/bridge/client.ts";
import type { Env } from "../src/platform/env.ts";

type TestBindings = { BRIDGE: Fetcher; BRIDGE_NO_CLIENT_CERT: Fetcher; BRIDGE_FOREIGN_CLIENT_CERT: Fetcher };
const bindings = env as unknown as TestBindings;

describe("worker -> bridge over mutual TLS", () => {
  it("presents the worker's client certificate, which the bridge sees", async () => {
    const res = await bindings.BRIDGE.fetch("https://localhost/peer");
    expect(res.status).toBe(200);
    const peer = await res.json<{ subject: { CN: string }; fingerprint256: string }>();
    expect(peer.subject.CN).toBe("tron-auth-worker");
    expect(peer.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("fails the handshake without a client certificate", async () => {
    await expect(bindings.BRIDGE_NO_CLIENT_CERT.fetch("https://localhost/health")).rejects.toThrow();
  });

  it("fails the handshake with a client certificate from another CA", async () => {
    await expect(bindings.BRIDGE_FOREIGN_CLIENT_CERT.fetch("https://localhost/health")).rejects.toThrow();
  });

  it("maps a refused handshake to a clean bridge_unavailable problem", async () => {
    const failing = { ...(env as unknown as Env), BRIDGE: bindings.BRIDGE_NO_CLIENT_CERT };
    const error = await callBridge(failing, "/health").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).problem).toMatchObject({ status: 503, code: "bridge_unavailable" });
  });

  it("reports the edge as degraded (still 200) when the bridge refuses it", async () => {
    const failing = { ...(env as unknown as Env), BRIDGE: bindings.BRIDGE_FOREIGN_CLIENT_CERT };
    const res = await createApp().request("/health", {}, failing);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "degraded",
      dependencies: { redis: "healthy", bridge: "unhealthy" },
    });
  });
});
