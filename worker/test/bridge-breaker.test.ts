import { beforeAll, describe, expect, it } from "vitest";
import { baseEnv, call, superAdmin, type TokenPair } from "./support/edge.ts";

const COOL_DOWN_MS = 400;
const FAILURES = 3;

/**
 * A route to the bridge that counts the calls the worker makes through it and goes to the real
 * bridge, or to the address where nothing listens (BRIDGE_DOWN: a real refused connection).
 * Each one is a new route object, so each test has a breaker of its own.
 */
function switchableRoute(answer?: (url: string) => Response) {
  const route = {
    calls: 0,
    down: false,
    fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
      route.calls++;
      if (answer) return Promise.resolve(answer(String(input)));
      const target = route.down ? baseEnv.BRIDGE_DOWN : baseEnv.BRIDGE;
      if (!target) throw new Error("the test worker has no BRIDGE binding");
      return target.fetch(input, init);
    },
  };
  // The worker uses only `fetch` of its bridge binding.
  const env = {
    BRIDGE: route as unknown as Fetcher,
    BRIDGE_BREAKER_FAILURES: String(FAILURES),
    BRIDGE_BREAKER_COOLDOWN_MS: String(COOL_DOWN_MS),
  };
  return { route, env };
}

let sa: TokenPair;
beforeAll(async () => {
  sa = await superAdmin();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("circuit breaker in front of the bridge", () => {
  /** A privileged read the bridge answers: the SUPER_ADMIN's own user record. */
  const adminRead = (env: Record<string, unknown>) =>
    call(`/v1/admin/users/${sa.user.id}`, { token: sa.accessToken, env });

  it("opens after repeated refused connections and then answers 503 at once without calling", async () => {
    const { route, env } = switchableRoute();
    expect((await adminRead(env)).status).toBe(200);
    route.down = true;
    for (let i = 0; i < FAILURES; i++) {
      const res = await adminRead(env);
      expect([res.status, res.body.code]).toEqual([503, "bridge_unavailable"]);
    }
    expect(route.calls).toBe(1 + FAILURES);
    for (let i = 0; i < 5; i++) {
      const res = await adminRead(env);
      // Fails closed: the privileged route is refused, never served from anything but the bridge.
      expect([res.status, res.body.code]).toEqual([503, "bridge_unavailable"]);
      expect(res.headers.get("retry-after")).toBe("30");
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    expect(route.calls).toBe(1 + FAILURES);
  });

  it("lets one probe through after the cool-down: still down, it stays open; back, it closes", async () => {
    const { route, env } = switchableRoute();
    route.down = true;
    for (let i = 0; i < FAILURES; i++) await adminRead(env);
    expect(route.calls).toBe(FAILURES);
    await pause(COOL_DOWN_MS + 50);
    expect((await adminRead(env)).status).toBe(503); // the probe, refused by the dead address
    expect((await adminRead(env)).status).toBe(503); // open again: not sent
    expect(route.calls).toBe(FAILURES + 1);

    route.down = false;
    expect((await adminRead(env)).status).toBe(503); // still cooling down
    expect(route.calls).toBe(FAILURES + 1);
    await pause(COOL_DOWN_MS + 50);
    expect((await adminRead(env)).status).toBe(200); // the probe reaches the bridge: closed
    expect((await adminRead(env)).status).toBe(200);
    expect(route.calls).toBe(FAILURES + 3);
  });

  it("sends exactly one probe when many requests arrive at once after the cool-down", async () => {
    const { route, env } = switchableRoute();
    route.down = true;
    for (let i = 0; i < FAILURES; i++) await adminRead(env);
    route.down = false;
    await pause(COOL_DOWN_MS + 50);
    const results = await Promise.all(Array.from({ length: 6 }, () => adminRead(env)));
    expect(route.calls).toBe(FAILURES + 1);
    expect(results.map((r) => r.status).sort()).toEqual([200, 503, 503, 503, 503, 503]);
    expect((await adminRead(env)).status).toBe(200);
  });

  it("counts a proxy's 502 page as no answer, and not the bridge's own 503 problem", async () => {
    const proxy = switchableRoute(() => new Response("<h1>Bad gateway</h1>", { status: 502 }));
    for (let i = 0; i < FAILURES + 3; i++) expect((await adminRead(proxy.env)).status).toBe(503);
    expect(proxy.route.calls).toBe(FAILURES);

    const problem = JSON.stringify({
      type: "about:blank",
      title: "Wallet device disconnected",
      status: 503,
      code: "wallet_disconnected",
      detail: "The wallet device is not connected.",
    });
    const device = switchableRoute(
      () => new Response(problem, { status: 503, headers: { "content-type": "application/problem+json" } }),
    );
    for (let i = 0; i < FAILURES + 3; i++) expect((await adminRead(device.env)).status).toBe(503);
    // A live bridge answering for its device: every call went out.
    expect(device.route.calls).toBe(FAILURES + 3);
  });

  it("reports the bridge unhealthy at once while open, and leaves routes that never need the Pi alone", async () => {
    const { route, env } = switchableRoute();
    route.down = true;
    for (let i = 0; i < FAILURES; i++) await adminRead(env);
    const health = await call<{ dependencies: { bridge: string } }>("/health", { env });
    expect([health.status, health.body.dependencies.bridge]).toEqual([200, "unhealthy"]);
    expect((await call("/v1/me", { token: sa.accessToken, env })).status).toBe(200);
    expect(route.calls).toBe(FAILURES);
  });
});
