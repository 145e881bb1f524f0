import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const worker = (exports as unknown as { default: Fetcher }).default;

const EXPECTED = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

function expectSecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(EXPECTED))
    expect([name, res.headers.get(name)]).toEqual([name, value]);
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain("unsafe-inline");
  expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
}

describe("security headers", () => {
  it("are on API answers: success, a 401 problem and the 404 of an unknown API path", async () => {
    expectSecurityHeaders(await worker.fetch("https://edge.test/health"));
    const unauthorized = await worker.fetch("https://edge.test/v1/me");
    expect(unauthorized.status).toBe(401);
    expectSecurityHeaders(unauthorized);
    const missing = await worker.fetch("https://edge.test/v1/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expectSecurityHeaders(missing);
  });

  it("are on the pages the ASSETS binding serves (wrangler.toml [assets]), and an API path never falls through to a page", async () => {
    const page = await worker.fetch("https://edge.test/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("Sign in with your TRON wallet");
    expectSecurityHeaders(page);
    const script = await worker.fetch("https://edge.test/assets/signin.js");
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expectSecurityHeaders(script);
    const post = await worker.fetch("https://edge.test/", { method: "POST" });
    expect([post.status, post.headers.get("content-type")]).toEqual([404, "application/problem+json"]);
    const absent = await worker.fetch("https://edge.test/missing.html");
    expect([absent.status, absent.headers.get("content-type")]).toEqual([404, "application/problem+json"]);
    expectSecurityHeaders(absent);
  });
});
